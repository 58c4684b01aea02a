"""Exact decimal arithmetic with the writing rules of each vendor's language.

The vendors hash decimal *text*, so a verifier must reproduce the text their
runtime writes: Java's BigDecimal.toString / toPlainString / stripTrailingZeros
and Go's shopspring decimal. `decimal.Decimal` follows the same General Decimal
Arithmetic model as BigDecimal (coefficient and exponent, scale kept through
addition), which is why it serves here where verifier.models.amounts (integers of one
fixed scale) cannot: a 2022 Bitget file hashes "993772611.92718330", scale and all.
The context traps every rounding, so a sum is exact or the program stops.
"""

import re
from decimal import ROUND_DOWN, Context, Decimal, Inexact, InvalidOperation, Overflow, Rounded

from verifier.errors import InputError

# Digits, an optional fraction and an optional short exponent: what the vendors'
# parsers accept minus NaN, infinities and exponents too large to add exactly.
_NUMBER = re.compile(r"-?[0-9]{1,80}(\.[0-9]{1,80})?([eE][+-]?[0-9]{1,2})?")
EXACT = Context(prec=400, traps=[InvalidOperation, Inexact, Rounded, Overflow])
_TRUNCATE = Context(prec=400, rounding=ROUND_DOWN, traps=[InvalidOperation, Overflow])
ZERO = Decimal(0)


def parse(text: str, source: str, field: str) -> Decimal:
    """Decimal text as written (its scale kept); Java and Go have no negative zero."""
    if not isinstance(text, str) or not _NUMBER.fullmatch(text):
        raise InputError(source, field, f"not a decimal number: {text!r}")
    d = Decimal(text)
    return d.copy_abs() if d.is_zero() else d


def add(a: Decimal, b: Decimal) -> Decimal:
    s = EXACT.add(a, b)
    return s.copy_abs() if s.is_zero() else s


def plain(d: Decimal) -> str:
    """Java's BigDecimal.toPlainString(): no exponent, scale kept."""
    return format(d, "f")


def stripped(d: Decimal) -> str:
    """Java's stripTrailingZeros().toPlainString() and Go's decimal.String()."""
    return "0" if d.is_zero() else format(EXACT.normalize(d), "f")


def java_string(d: Decimal) -> str:
    """Java's BigDecimal.toString(): exponent form below 1E-6, as fastjson writes numbers."""
    return str(d)


def round_down(d: Decimal, scale: int) -> Decimal:
    """Java's setScale(scale, RoundingMode.DOWN) and Go's RoundDown(scale): toward zero."""
    r = d.quantize(Decimal(1).scaleb(-scale), context=_TRUNCATE)
    return r.copy_abs() if r.is_zero() else r
