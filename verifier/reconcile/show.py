"""How exact figures read in check results: exact where the decimal ends, marked where
it had to be cut."""

from collections.abc import Callable
from fractions import Fraction

from verifier.models.asset import AssetSpec
from verifier.models.numbers import format_decimal, format_truncated


def decimal(x: Fraction | int) -> str:
    """Exact when the expansion ends; otherwise 8 places, cut toward zero, and '...'."""
    f = Fraction(x)
    try:
        return format_decimal(f)
    except ValueError:
        return format_truncated(f, 8) + "..."


def units(asset: AssetSpec) -> Callable[[Fraction | int], str]:
    return lambda x: f"{decimal(Fraction(x, 10**asset.decimals))} {asset.symbol}"


def money(currency: str) -> Callable[[Fraction | int], str]:
    return lambda x: f"{decimal(x)} {currency}"


def share(x: Fraction | int) -> str:
    return f"{decimal(Fraction(x) * 100)}%"
