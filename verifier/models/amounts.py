"""Exact conversion between decimal text and integer base units.

Money is an integer in the asset's smallest unit. `decimal.Decimal` would also be
exact, but it accepts exponents, signs and NaN that a ledger must not contain, and
plain string splitting is several times faster on the hot path of a tree build.
"""

MAX_UNITS = 1 << 128  # every por-mst-v1 value is < 2**128


class AmountError(ValueError):
    """The text is not an amount the asset can hold; the message says why."""


def parse_units(text: str, decimals: int, *, allow_negative: bool = False) -> int:
    """Parse decimal text such as "0.00012" into base units, exactly.

    Accepts an optional leading '-' only when `allow_negative`; no '+', no exponent,
    no spaces, ASCII digits only; more fractional digits than `decimals` is an error
    (trailing zeros beyond are allowed: "1.500" for a 2-decimal asset is 150).
    """
    s = text
    negative = False
    if s.startswith("-"):
        if not allow_negative:
            raise AmountError(f"negative amount {text!r}")
        negative = True
        s = s[1:]
    whole, _, frac = s.partition(".")
    if not (whole or frac) or not _digits(whole) or not _digits(frac):
        raise AmountError(f"not a number: {text!r}")
    if len(frac) > decimals:
        extra = frac[decimals:]
        if extra.strip("0"):
            raise AmountError(f"{text!r} has more than {decimals} decimals")
        frac = frac[:decimals]
    units = int(whole or "0") * 10**decimals + int(frac.ljust(decimals, "0") or "0")
    if units >= MAX_UNITS:
        raise AmountError(f"{text!r} is 2^128 base units or more")
    return -units if negative else units


def _digits(part: str) -> bool:
    # isdigit() alone accepts non-ASCII digits such as "٣" that int() would take.
    return not part or (part.isascii() and part.isdigit())


def format_units(units: int, decimals: int) -> str:
    """Base units back to decimal text, trailing fractional zeros dropped."""
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**decimals)
    if decimals == 0 or frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{str(frac).rjust(decimals, '0').rstrip('0')}"
