"""Snapshot parsing and the result types: no balance ever comes with a failure."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chains.snapshot import (
    Balances,
    ChainError,
    Failed,
    Inconclusive,
    Reason,
    Snapshot,
    SnapshotError,
    balances,
    cross_check,
)

HASH = "ab" * 32


def test_parse_ethereum_and_bitcoin() -> None:
    assert Snapshot.parse(f"12:0x{HASH.upper()}", prefix="0x") == Snapshot(12, "0x" + HASH)
    assert Snapshot.parse(f"12:{HASH}", prefix="0x") == Snapshot(12, "0x" + HASH)
    assert Snapshot.parse(f"7:{HASH}") == Snapshot(7, HASH)
    assert str(Snapshot(7, HASH)) == f"7:{HASH}"


@pytest.mark.parametrize("text", ["", "12", f"x:{HASH}", f"-1:{HASH}", "1:abc", f"1:{HASH}zz"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(SnapshotError):
        Snapshot.parse(text)


def test_failing_reasons_fail_and_others_are_inconclusive() -> None:
    assert isinstance(ChainError(Reason.REORG, "x").result(), Inconclusive)
    assert isinstance(ChainError(Reason.PROOF_INVALID, "x").result(), Failed)
    assert isinstance(ChainError(Reason.CROSS_CHECK_MISMATCH, "x").result(), Failed)


def test_negative_balance_is_malformed() -> None:
    with pytest.raises(ChainError) as e:
        balances(Snapshot(1, HASH), "ETH", [("a", -1)])
    assert e.value.reason is Reason.MALFORMED_ANSWER


@given(st.lists(st.integers(0, 2**96), min_size=1, max_size=8), st.data())
def test_cross_check(values: list[int], data: st.DataObject) -> None:
    snap = Snapshot(1, HASH)
    pairs = [(f"a{i}", v) for i, v in enumerate(values)]
    mine = balances(snap, "ETH", pairs)
    assert cross_check(mine, balances(snap, "ETH", reversed(pairs))) == mine
    i = data.draw(st.integers(0, len(values) - 1))
    changed = [(a, v + 1 if j == i else v) for j, (a, v) in enumerate(pairs)]
    result = cross_check(mine, balances(snap, "ETH", changed))
    assert isinstance(result, Failed) and result.reason is Reason.CROSS_CHECK_MISMATCH
    assert f"a{i}" in result.message
    assert isinstance(mine, Balances) and mine.total == sum(values)


def test_cross_check_endpoint_down_is_inconclusive() -> None:
    mine = balances(Snapshot(1, HASH), "ETH", [("a", 1)])
    down = Inconclusive(Reason.UNREACHABLE, "refused")
    result = cross_check(mine, down)
    assert isinstance(result, Inconclusive) and "cross-check endpoint" in result.message
    assert cross_check(down, mine) == down
