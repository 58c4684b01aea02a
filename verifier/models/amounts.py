"""Exact conversion between decimal text and integer base units.

Money is an integer in the asset's smallest unit. `decimal.Decimal` would also be
exact, but it accepts exponents, signs and NaN that a ledger must not contain, and
plain string splitting is several times faster on the hot path of a tree build.
"""

MAX_UNITS = 1 << 128  # every por-mst-v1 value is < 2**128
_MAX_DIGITS = len(str(MAX_UNITS))


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
            raise AmountError(f"negative amount {_shown(text)}")
        negative = True
        s = s[1:]
    whole, _, frac = s.partition(".")
    if not (whole or frac) or not _digits(whole) or not _digits(frac):
        raise AmountError(f"not a number: {_shown(text)}")
    if len(frac) > decimals:
        extra = frac[decimals:]
        if extra.strip("0"):
            raise AmountError(f"{_shown(text)} has more than {decimals} decimals")
        frac = frac[:decimals]
    whole = whole.lstrip("0")
    if len(whole) > _MAX_DIGITS:  # also keeps int() within its digit limit
        raise AmountError(f"{_shown(text)} is 2^128 base units or more")
    units = int(whole or "0") * 10**decimals + int(frac.ljust(decimals, "0") or "0")
    if units >= MAX_UNITS:
        raise AmountError(f"{_shown(text)} is 2^128 base units or more")
    return -units if negative else units


def _shown(text: str) -> str:
    """The text for an error message: quoted, and cut short when it is long (a hostile
    cell may hold megabytes; the message is one line)."""
    return repr(text) if len(text) <= 80 else repr(text[:60]) + f"... ({len(text):,} characters)"


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
