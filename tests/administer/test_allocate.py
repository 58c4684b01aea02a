"""The allocation rules against an independent computation in exact fractions: any
weights (up to 2^128, so keys of one and of several int64 limbs are ordered), any amount up to their sum."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.administer.allocate import (
    ReserveUse,
    largest_remainder,
    ordered,
    smallest_first,
    spread,
)
from verifier.errors import InputError

AMOUNTS = st.one_of(st.integers(0, 50), st.integers(0, 1 << 128))


@st.composite
def split(draw: st.DrawFn) -> tuple[list[int], int, list[int]]:
    """Weights, an amount up to their sum, and distinct tie ranks in any order."""
    weights = draw(st.lists(AMOUNTS, min_size=1, max_size=30))
    amount = draw(st.integers(0, sum(weights)))
    ties = draw(st.permutations(range(len(weights))))
    return weights, amount, list(ties)


def independent_split(weights: list[int], amount: int, ties: list[int]) -> list[int]:
    """Hamilton's method as a textbook writes it: exact quotas, floors, and the units
    left to the largest fractional parts, equal parts to the smaller tie rank."""
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    quotas = [Fraction(w * amount, whole) for w in weights]
    floors = [q.numerator // q.denominator for q in quotas]
    by_part = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - floors[i]), ties[i]))
    for i in by_part[: amount - sum(floors)]:
        floors[i] += 1
    return floors


@given(split())
@settings(max_examples=400)
def test_largest_remainder_is_hamiltons_method_exactly(
    case: tuple[list[int], int, list[int]],
) -> None:
    weights, amount, ties = case
    shares = largest_remainder(weights, amount, ties)
    assert shares == independent_split(weights, amount, ties)
    assert sum(shares) == amount  # the residue is zero
    whole = sum(weights)
    for share, w in zip(shares, weights, strict=True):
        assert 0 <= share <= w  # nobody gets more than their claim
        if whole:
            assert abs(share - Fraction(w * amount, whole)) < 1  # within one base unit
    assert largest_remainder(weights, amount, ties) == shares  # same input, same split


def test_equal_remainders_go_to_the_smaller_tie_rank() -> None:
    # three equal claims, 2 units: each quota is 2/3, all remainders equal
    assert largest_remainder([1, 1, 1], 2, [2, 0, 1]) == [0, 1, 1]
    assert largest_remainder([1, 1, 1], 2, [0, 2, 1]) == [1, 0, 1]


def test_more_than_the_weights_cannot_be_split() -> None:
    with pytest.raises(ValueError, match="cannot split 4"):
        largest_remainder([1, 2], 4, [0, 1])


def independent_smallest_first(needs: list[int], amount: int, ties: list[int]) -> list[int]:
    paid = [0] * len(needs)
    for i in sorted(range(len(needs)), key=lambda i: (needs[i], ties[i])):
        paid[i] = min(needs[i], amount)
        amount -= paid[i]
    return paid


@given(split(), st.integers(0, 1 << 130))
@settings(max_examples=300)
def test_smallest_first_fills_the_smallest_needs_in_full_first(
    case: tuple[list[int], int, list[int]], amount: int
) -> None:
    needs, _, ties = case
    paid = smallest_first(needs, amount, ties)
    assert paid == independent_smallest_first(needs, amount, ties)
    assert sum(paid) == min(amount, sum(needs))
    assert all(0 <= p <= n for p, n in zip(paid, needs, strict=True))
    partly = [i for i, (p, n) in enumerate(zip(paid, needs, strict=True)) if 0 < p < n]
    assert len(partly) <= 1  # at most one need is paid in part


@given(split(), st.integers(0, 1 << 130), st.sampled_from(list(ReserveUse)))
@settings(max_examples=200)
def test_spread_never_pays_more_than_needed_or_held(
    case: tuple[list[int], int, list[int]], amount: int, rule: ReserveUse
) -> None:
    needs, _, ties = case
    paid = spread(needs, amount, ties, rule)
    assert sum(paid) == min(amount, sum(needs))
    assert all(0 <= p <= n for p, n in zip(paid, needs, strict=True))


@given(st.lists(AMOUNTS, min_size=1, max_size=40))
def test_ordered_sorts_as_python_sorts_the_whole_integers(keys: list[int]) -> None:
    """Keys of one int64 limb or of several: the limbs order them as the integers."""
    ties = list(range(len(keys)))[::-1]
    expected = sorted(range(len(keys)), key=lambda i: (keys[i], ties[i]))
    assert ordered(keys, ties).tolist() == expected
    largest_first = sorted(range(len(keys)), key=lambda i: (-keys[i], ties[i]))
    assert ordered(keys, ties, descending=True).tolist() == largest_first


def test_a_rule_is_named_or_refused() -> None:
    assert ReserveUse.named("smallest-first", "--reserve-use") is ReserveUse.SMALLEST_FIRST
    with pytest.raises(InputError, match="--reserve-use: 'largest' is not one of pro-rata"):
        ReserveUse.named("largest", "--reserve-use")
