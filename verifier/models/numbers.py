"""Exact numbers as files write them: decimal text in, `Fraction` or `int` out.

Fiat amounts, prices and policy rates are decimals of any precision, so they become
`fractions.Fraction` (exact; `decimal.Decimal` would round at its context precision
and accepts exponents and NaN). Base-unit amounts are integers written as strings so
that JavaScript readers keep every digit.
"""

import re
from fractions import Fraction
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, StringConstraints, WithJsonSchema

DECIMAL_PATTERN = r"^[0-9]+(\.[0-9]+)?$"
# 78 digits already exceed 2^256: longer text is malformed rather than parsed.
INTEGER_PATTERN = r"^(0|[1-9][0-9]{0,77})$"
HEX32_PATTERN = r"^[0-9a-f]{64}$"
HEX_BYTES_PATTERN = r"^([0-9a-f]{2})+$"
_DECIMAL = re.compile(DECIMAL_PATTERN)
_INTEGER = re.compile(INTEGER_PATTERN)

# What each pattern means, for error messages (pydantic would print the regex).
PATTERN_WORDS = {
    INTEGER_PATTERN: "not a canonical integer (ASCII digits in a JSON string, no sign, "
    "exponent or leading zero)",
    HEX32_PATTERN: "not 32 bytes of lowercase hex",
    HEX_BYTES_PATTERN: "not whole bytes of lowercase hex",
    DECIMAL_PATTERN: "not a plain decimal (digits, optionally '.' and digits)",
}


def parse_decimal(value: Any) -> Fraction:
    """Plain non-negative decimal text ("1250000", "0.05") to an exact Fraction."""
    if not isinstance(value, str):
        raise ValueError('must be a decimal string such as "0.05" (never a JSON/TOML number)')
    if not _DECIMAL.fullmatch(value):
        raise ValueError(f"{value!r} is not a plain decimal (digits, optionally '.' and digits)")
    return Fraction(value)


def parse_positive_decimal(value: Any) -> Fraction:
    """As `parse_decimal`, and greater than zero: a price of 0 values coins at nothing."""
    parsed = parse_decimal(value)
    if parsed <= 0:
        raise ValueError(f"{value!r} is not greater than 0")
    return parsed


def parse_integer(value: Any) -> int:
    """A canonical integer in a string ("12500000000") to an int."""
    if not isinstance(value, str):
        raise ValueError('must be an integer written as a string, such as "100000000"')
    if not _INTEGER.fullmatch(value):
        raise ValueError(f"{value!r} is not a canonical integer (digits, no sign, no leading 0)")
    return int(value)


def format_decimal(value: Fraction) -> str:
    """Exact decimal text of a Fraction whose denominator has only factors 2 and 5.

    Every money figure here is a product of decimals and powers of ten, so it always
    has a finite decimal expansion; anything else is a programming error.
    """
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        raise ValueError(f"{value} has no finite decimal expansion")
    places = max(twos, fives)
    scaled = value * 10**places
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(scaled.numerator), 10**places)
    if places == 0 or frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{str(frac).rjust(places, '0').rstrip('0')}"


def format_truncated(value: Fraction, places: int) -> str:
    """`value` to `places` decimals, rounded toward zero.

    Toward zero so that a ratio just under a threshold (0.9999999) never shows as the
    threshold itself (1.000000).
    """
    sign = "-" if value < 0 else ""
    scaled = abs(value.numerator) * 10**places // value.denominator
    whole, frac = divmod(scaled, 10**places)
    return f"{sign}{whole}.{str(frac).rjust(places, '0')}" if places else f"{sign}{whole}"


DecimalText = Annotated[
    Fraction,
    PlainValidator(parse_decimal),
    PlainSerializer(format_decimal, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN}),
]
"""A non-negative decimal, exact (fiat amounts, prices, rates)."""

PositiveDecimalText = Annotated[
    Fraction,
    PlainValidator(parse_positive_decimal),
    PlainSerializer(format_decimal, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN, "not": {"pattern": "^[0.]+$"}}),
]
"""A decimal greater than zero, exact (prices)."""

IntegerText = Annotated[
    int,
    PlainValidator(parse_integer),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": INTEGER_PATTERN}),
]
"""A non-negative integer in a string (base units)."""

IntegerString = Annotated[str, StringConstraints(pattern=INTEGER_PATTERN)]
"""A canonical integer kept as its text (proofs, parsed on the hot path as they stand)."""

DecimalString = Annotated[str, StringConstraints(pattern=DECIMAL_PATTERN)]
"""A non-negative plain decimal kept as its text (a report's figures, as written)."""

Hex32 = Annotated[str, StringConstraints(pattern=HEX32_PATTERN)]
"""32 bytes of lowercase hex (hashes, commitments, nonces)."""

HexBytes = Annotated[str, StringConstraints(pattern=HEX_BYTES_PATTERN)]
"""Whole bytes of lowercase hex (scripts, keys)."""
