"""How figures read in a report, in either language: every digit kept, grouped by
thousands, and chart axes in units a reader takes in at a glance.

The report's figures are exact decimal text (`reconcile.show.decimal`); grouping only
inserts separators into the integer part, so nothing is rounded or cut here.
"""

import re
from fractions import Fraction

from verifier.i18n import Lang

# a plain decimal number standing on its own in a text (not part of a word, an
# address, a hash, a chain id such as ethereum:31337 or a date such as 2026-03-31):
# an optional sign, digits, optionally '.' and digits
_NUMBER = re.compile(r"(?<![\w.#:-])(-?)(\d+)(\.\d+)?(?![\w-])")


def _group(digits: str) -> str:
    return f"{int(digits):,}" if len(digits) > 3 and not digits.startswith("0") else digits


def grouped(text: str | None) -> str | None:
    """`text` with each number in it grouped by thousands ("-1234567.5 BTC" ->
    "-1,234,567.5 BTC"), every digit kept; None stays None."""
    if text is None:
        return None
    return _NUMBER.sub(lambda m: m.group(1) + _group(m.group(2)) + (m.group(3) or ""), text)


# English: the short scale, as financial press writes it ("JPY 2.0bn")
_EN_STEPS = ((10**12, "tn"), (10**9, "bn"), (10**6, "m"), (10**3, "k"))
# Japanese: by myriads, 万 (10^4), 億 (10^8), 兆 (10^12) ("20億円")
_JA_STEPS = ((10**12, "兆"), (10**8, "億"), (10**4, "万"))


def _short(x: Fraction) -> str:
    """At most one decimal, and none when it is whole: 2.0 -> "2", 2.5 -> "2.5"."""
    tenths = round(x * 10)
    return f"{tenths // 10:,}" if tenths % 10 == 0 else _one_decimal(tenths)


def _one_decimal(tenths: int) -> str:
    """A count of tenths (not negative) as "12,345.6", in integers: no float between."""
    return f"{tenths // 10:,}.{tenths % 10}"


def axis_amount(value: float | int, currency: str, lang: Lang) -> str:
    """An axis tick of money: "JPY 2.0bn" in English, "20億円" in Japanese (yen
    written 円, any other currency by its code after the number)."""
    x = Fraction(round(value))
    sign = "-" if x < 0 else ""
    x = abs(x)
    if lang is Lang.JA:
        unit = next(((s, w) for s, w in _JA_STEPS if x >= s), (1, ""))
        amount = f"{sign}{_short(x / unit[0])}{unit[1]}"
        return f"{amount}円" if currency == "JPY" else f"{amount} {currency}"
    step = next(((s, w) for s, w in _EN_STEPS if x >= s), None)
    if step is None:
        return f"{currency} {sign}{_short(x)}"
    return f"{currency} {sign}{_one_decimal(round(x / step[0] * 10))}{step[1]}"
