"""Exact integer allocation: splitting an amount over claims, and the reserve rules.

Every amount is a Python int in base units (of an asset, or of the reporting
currency's smallest unit): a claim can be up to 2^128 and a product of two of them
far more, which no fixed-width type holds. numpy is used only to order rows, on keys
that are proven to fit int64 first (`ordered`); the arithmetic stays in Python ints.
"""

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import numpy as np

from verifier.errors import InputError

_INT64 = 1 << 63


class ReserveUse(StrEnum):
    """How the fiat reserve is spread over the shortfalls when it cannot fill them all."""

    PRO_RATA = "pro-rata"
    SMALLEST_FIRST = "smallest-first"

    @classmethod
    def named(cls, value: Any, source: str, field: str | None = None) -> "ReserveUse":
        """The rule `value` names, or bad input naming where it came from."""
        rules = [r.value for r in cls]
        if value not in rules:
            raise InputError(source, field, f"{value!r} is not one of {', '.join(rules)}")
        return cls(value)


def ordered(keys: Sequence[int], ties: Sequence[int] | np.ndarray) -> np.ndarray:
    """Indices (int64) sorted by `keys` ascending, equal keys by `ties` ascending.

    `ties` are distinct row ranks (below 2^63: they count rows held in memory). numpy
    sorts when every key fits int64; otherwise Python's sort gives the same order."""
    if len(keys) and min(keys) >= -_INT64 and max(keys) < _INT64:
        return np.lexsort((np.asarray(ties, np.int64), np.fromiter(keys, np.int64, len(keys))))
    return np.array(sorted(range(len(keys)), key=lambda i: (keys[i], ties[i])), np.int64)


def largest_remainder(
    weights: Sequence[int], amount: int, ties: Sequence[int] | np.ndarray
) -> list[int]:
    """`amount` split in proportion to `weights`, in whole units, adding up exactly.

    Each share is floor(w * amount / W) (W the sum of the weights), and the units left
    over go one each to the largest remainders, equal remainders to the smaller tie
    rank. So every share is within one unit of its exact value, never above its weight
    (amount <= W), and the same input always gives the same split."""
    whole = sum(weights)
    if not 0 <= amount <= whole:
        raise ValueError(f"cannot split {amount} over weights adding up to {whole}")
    if amount == whole:
        return list(weights)
    parts = [divmod(w * amount, whole) if w else (0, 0) for w in weights]  # zeros are common
    shares = [q for q, _ in parts]
    left = amount - sum(shares)
    if left:
        # The fractional parts add up to `left`, each below one unit, so at least `left`
        # of them are positive: only those can get a unit, and only they are sorted.
        live = [i for i, (_, r) in enumerate(parts) if r]
        largest_first = [-parts[i][1] for i in live]
        order = ordered(largest_first, np.asarray(ties)[live])
        unit = np.zeros(len(shares), np.int8)
        unit[np.asarray(live, np.int64)[order[:left]]] = 1
        shares = [q + u for q, u in zip(shares, unit.tolist(), strict=True)]
    return shares


def smallest_first(
    needs: Sequence[int], amount: int, ties: Sequence[int] | np.ndarray
) -> list[int]:
    """`amount` paid out to `needs` smallest first (equal needs by tie rank), each in
    full while it lasts; the first need it cannot fill gets what is left, the rest none."""
    paid = [0] * len(needs)
    left = min(amount, sum(needs))
    if left == sum(needs):
        return list(needs)
    for i in ordered(needs, ties).tolist():
        if left == 0:
            break
        paid[i] = min(needs[i], left)
        left -= paid[i]
    return paid


def spread(
    needs: Sequence[int], amount: int, ties: Sequence[int] | np.ndarray, rule: ReserveUse
) -> list[int]:
    """The reserve `amount` over `needs` by `rule`; all of them in full when it suffices."""
    if rule is ReserveUse.PRO_RATA:
        return largest_remainder(needs, min(amount, sum(needs)), ties)
    return smallest_first(needs, amount, ties)
