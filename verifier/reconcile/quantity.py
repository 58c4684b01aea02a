"""Exact quantities that may be unknown.

A figure the verifier could not get (a balance that could not be read, a price not
given) is an `Unknown` carrying why; any sum or product that touches it is unknown
too, with every reason kept, so a check built on it is inconclusive and says why.
"""

from collections.abc import Callable, Iterable
from fractions import Fraction
from statistics import median_low

from verifier.reconcile.observations import Unknown

Quantity = Fraction | int | Unknown


def merge(*unknowns: Unknown) -> Unknown:
    reasons: list[str] = []
    for u in unknowns:
        for r in u.reason.split("; "):
            if r not in reasons:
                reasons.append(r)
    return Unknown("; ".join(reasons))


def total(values: Iterable[Quantity]) -> Quantity:
    known: Fraction | int = 0
    unknown: list[Unknown] = []
    for v in values:
        if isinstance(v, Unknown):
            unknown.append(v)
        else:
            known += v
    return merge(*unknown) if unknown else known


def product(*values: Quantity) -> Quantity:
    unknown = [v for v in values if isinstance(v, Unknown)]
    if unknown:
        return merge(*unknown)
    out: Fraction | int = 1
    for v in values:
        assert not isinstance(v, Unknown)
        out *= v
    return out


def largest(values: Iterable[Quantity]) -> Quantity:
    """The largest value; unknown if any is (the unknown one might be the largest)."""
    return _pick(values, max)


def smallest(values: Iterable[Quantity]) -> Quantity:
    """The smallest value; unknown if any is (the unknown one might be the smallest)."""
    return _pick(values, min)


def middle(values: Iterable[Quantity]) -> Quantity:
    """The median, the lower of the two middle values for an even count (a value that
    was held, never an average of two); unknown if any is."""
    return _pick(values, median_low)


def _pick(
    values: Iterable[Quantity], choose: Callable[[list[Fraction | int]], Quantity]
) -> Quantity:
    vs = list(values)
    unknown = [v for v in vs if isinstance(v, Unknown)]
    if unknown:
        return merge(*unknown)
    return choose([v for v in vs if not isinstance(v, Unknown)])
