"""The window's figures and checks from given holdings (no node): lowest, median,
highest, flows in and out, sums over chains, unknown blocks, and both checks at their
limits."""

from fractions import Fraction
from pathlib import Path

import pytest

from verifier.errors import InputError
from verifier.models.asset import AssetSpec
from verifier.models.check import Status
from verifier.reconcile.holdings import ChainHeld, Position
from verifier.reconcile.observations import Unknown
from verifier.reconcile.policy import load_policy
from verifier.reconcile.quantity import Quantity
from verifier.reconcile.window import ChainSeries, ChainWindow, Dressing, WindowAsset, window_checks

ETH = AssetSpec(symbol="ETH", decimals=0)


def series(chain: str, held: list[Quantity], at_snapshot: Quantity = 100) -> ChainSeries:
    """Blocks 10, 11, ... with `held`; the snapshot at block 13 (between the 3rd and 4th)."""
    heights = [10, 11, 12, 14, 15, 16][: len(held)]
    points = tuple((h, f"{h:064x}", q) for h, q in zip(heights, held, strict=True))
    return ChainSeries(chain, 13, points, at_snapshot, None)


def asset(*chains: ChainSeries, owed: int = 100) -> WindowAsset:
    parts = tuple(ChainHeld(c.at_snapshot, 0, 0, 0, chain=c.chain) for c in chains)
    position = Position(100, 0, 0, 0, asset=ETH, liabilities=owed, chains=parts)
    return WindowAsset(position, chains)


def test_a_borrowed_deposit_shows_as_lowest_holdings_and_both_flows() -> None:
    s = series("a", [60, 60, 100, 100, 60, 60])
    assert (s.lowest, s.highest, s.median) == (60, 100, 60)  # the middle of the 7 values
    assert (s.flow("before"), s.flow("after")) == (40, 40)


def test_flows_are_never_negative_and_count_each_side_alone() -> None:
    s = series("a", [100, 100, 100, 130, 130, 130])  # more after the snapshot: no outflow
    assert (s.flow("before"), s.flow("after")) == (0, 0)
    s = series("a", [70, 70, 70, 100, 100, 100])  # in before only
    assert (s.flow("before"), s.flow("after")) == (30, 0)


def test_an_unread_block_makes_what_it_enters_unknown() -> None:
    s = series("a", [60, 60, 100, Unknown("rpc-error: pruned"), 100, 100])
    assert isinstance(s.lowest, Unknown) and "pruned" in s.lowest.reason
    assert isinstance(s.median, Unknown) and isinstance(s.flow("after"), Unknown)
    assert s.flow("before") == 40  # the blocks before the snapshot were all read
    unread = ChainSeries("b", 13, (), 100, "not-enough-confirmations: not yet")
    assert isinstance(unread.lowest, Unknown)
    assert unread.lowest.reason == "window on b: not-enough-confirmations: not yet"


def test_several_chains_sum_each_chain_s_figures() -> None:
    a = asset(series("a", [60, 100, 100]), series("b", [10, 20, 30], at_snapshot=20))
    assert (a.minimum, a.maximum, a.inflow, a.outflow) == (70, 130, 50, 0)


def dressing(inflow: Quantity, outflow: Quantity) -> Status:
    return Dressing("window.dressing.ETH", inflow, outflow, Fraction(2), str).verify().status


def test_dressing_fails_only_when_both_flows_exceed_the_limit() -> None:
    assert dressing(3, 3) is Status.FAIL
    assert dressing(2, 3) is Status.PASS  # at the limit is not over it
    assert dressing(3, 0) is Status.PASS  # came in and stayed
    assert dressing(Unknown("x"), 0) is Status.INCONCLUSIVE


def test_the_checks_take_the_policy_s_limits() -> None:
    policy = load_policy("ae-vara")
    assert (policy.window_min_coverage, policy.window_max_swing) == (1, Fraction(2, 100))
    a = asset(series("a", [99, 100, 100]))  # 1% short for one block, 1 in and 0 out
    window = ChainWindow("a", 13, "rule", first=10, last=16)

    def outcome(**limits: Fraction) -> dict[str, Status]:
        checks = window_checks([a], [window], policy.model_copy(update=limits))
        return {c.id: c.verify().status for c in checks}

    assert outcome()["window.coverage"] is Status.FAIL
    assert outcome(window_min_coverage=Fraction(99, 100))["window.coverage"] is Status.PASS
    assert outcome(window_max_swing=Fraction(0))["window.dressing"] is Status.PASS  # 0 out
    assert outcome()["window.blocks.a"] is Status.PASS


def test_a_policy_file_sets_the_window_limits_or_takes_its_preset_s(tmp_path: Path) -> None:
    head = 'format = "por-policy-v1"\nid = "mine"\ntitle = "t"\nstatus = "s"\nextends = "ae-vara"\n'
    own = tmp_path / "own.toml"
    own.write_text(head + 'window_min_coverage = "0.95"\n')
    policy = load_policy(str(own))
    assert (policy.window_min_coverage, policy.window_max_swing) == (
        Fraction(95, 100),
        Fraction(2, 100),
    )
    wide = tmp_path / "wide.toml"
    wide.write_text(head + 'window_max_swing = "1.5"\n')
    with pytest.raises(InputError, match="window_max_swing: a share must be at most 1"):
        load_policy(str(wide))
