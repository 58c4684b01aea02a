"""Exact integer allocation: splitting an amount over claims, and the reserve rules.

Every amount is a Python int in base units (of an asset, or of the reporting
currency's smallest unit): a claim can be up to 2^128 and a product of two of them
far more, which no fixed-width type holds. The arithmetic is done on numpy arrays of
dtype object, whose elements are those Python ints (exact at any size; numpy only
runs the loop); rows are ordered by numpy on their keys cut into 63-bit int64 limbs
(`ordered`), which orders them as the whole integers would.
"""

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import numpy as np

from verifier.errors import InputError

_LIMB_BITS = 63
_LIMB_MASK = (1 << _LIMB_BITS) - 1


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


def ordered(
    keys: Sequence[int] | np.ndarray,
    ties: Sequence[int] | np.ndarray,
    *,
    descending: bool = False,
) -> np.ndarray:
    """Indices (int64) sorted by `keys` (integers >= 0) ascending, or descending, equal
    keys by `ties` ascending (distinct row ranks below 2^63: they count rows in memory)."""
    limbs = _limbs(np.asarray(keys, object))
    if descending:
        limbs = [-limb for limb in limbs]  # each limb is below 2^63: its negation fits
    return np.lexsort((np.asarray(ties, np.int64), *limbs))


def _limbs(keys: np.ndarray) -> list[np.ndarray]:
    """Integers >= 0 as int64 limbs of 63 bits, least significant first: sorting on
    the limbs, most significant first, sorts the integers (lexsort's last key leads)."""
    if not len(keys):
        return [np.zeros(0, np.int64)]
    if keys.min() < 0:
        raise ValueError("keys to order must not be negative")
    top = int(keys.max())
    if top <= _LIMB_MASK:
        return [keys.astype(np.int64)]
    return [
        ((keys >> shift) & _LIMB_MASK).astype(np.int64)
        for shift in range(0, top.bit_length(), _LIMB_BITS)
    ]


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
    products = np.array(weights, object) * amount
    shares = products // whole
    left = amount - int(shares.sum())
    if left:
        # The fractional parts add up to `left`, each below one unit, so at least `left`
        # of them are positive: only those can get a unit, and only they are sorted.
        remainders = products % whole
        live = np.flatnonzero(remainders > 0)
        ranks = np.asarray(ties, np.int64)[live]
        largest_first = ordered(remainders[live], ranks, descending=True)
        shares[live[largest_first[:left]]] += 1
    out: list[int] = shares.tolist()
    return out


def smallest_first(
    needs: Sequence[int], amount: int, ties: Sequence[int] | np.ndarray
) -> list[int]:
    """`amount` paid out to `needs` smallest first (equal needs by tie rank), each in
    full while it lasts; the first need it cannot fill gets what is left, the rest none."""
    total = sum(needs)
    if amount >= total:
        return list(needs)
    order = ordered(needs, ties)
    by_size = np.array(needs, object)[order]
    filled = np.cumsum(by_size) if len(by_size) else by_size
    full = int(np.count_nonzero(filled <= amount))  # the needs paid in full, smallest first
    paid = np.zeros(len(needs), object)
    paid[order[:full]] = by_size[:full]
    if full < len(order):
        paid[order[full]] = amount - (int(filled[full - 1]) if full else 0)
    out: list[int] = paid.tolist()
    return out


def spread(
    needs: Sequence[int], amount: int, ties: Sequence[int] | np.ndarray, rule: ReserveUse
) -> list[int]:
    """The reserve `amount` over `needs` by `rule`; all of them in full when it suffices."""
    if rule is ReserveUse.PRO_RATA:
        return largest_remainder(needs, min(amount, sum(needs)), ties)
    return smallest_first(needs, amount, ties)
