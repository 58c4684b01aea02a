"""What the history flags: coverage falling, wallets gone, balances that left, and
addresses two exchanges both claim, over the demo's reports and variants of them."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.history.helpers import later, with_balance, with_held, with_wallets
from verifier.history.analysis import Kind, overlaps, ratios, regressions
from verifier.history.model import entry_of
from verifier.report.model import Report

COLD_ETH = "0xCcbCa025341BAE518093f9f4531E49a5BD1f3D5f"  # the demo's cold ETH/USDC wallet
BTC_LIABILITIES = 19102134154  # the demo's, in satoshi


def flags(*reports: Report) -> list[tuple[Kind, str, str, str]]:
    entries = [entry_of(r, f"r{i}.json") for i, r in enumerate(reports)]
    return [(f.kind, f.subject, f.before, f.after) for f in regressions(entries)]


def test_the_short_attestation_after_the_demo_is_worse_on_usdc(demo: Report, short: Report) -> None:
    found = flags(demo, later(short, 30))
    assert (Kind.COVERAGE_FELL, "USDC", "1.004759", "0.029551") in found
    # the cold wallet no longer lists USDC: the short attestation left it out
    assert (
        Kind.WALLET_GONE,
        f"{COLD_ETH} on ethereum:31337, USDC",
        "1320000 USDC",
        "not listed",
    ) in found
    assert not [f for f in found if f[1] in ("BTC", "ETH")]  # their coverage held
    assert flags(demo, later(demo, 30)) == []  # the same figures a month later: nothing


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 2 * BTC_LIABILITIES), min_size=2, max_size=6))
def test_coverage_falls_are_flagged_exactly_where_holdings_fall(
    demo: Report, held: list[int]
) -> None:
    reports = [with_held(later(demo, 7 * i), "BTC", h) for i, h in enumerate(held)]
    entries = [entry_of(r, "r.json") for r in reports]
    fell = [f for f in regressions(entries) if f.kind is Kind.COVERAGE_FELL]
    assert [entries.index(f.earlier) for f in fell] == [
        i for i in range(len(held) - 1) if held[i + 1] < held[i]
    ]
    for f in fell:  # each shown apart, however small the fall
        assert Fraction(f.after) < Fraction(f.before)


def test_a_fall_below_the_sixth_decimal_is_still_flagged_and_shown(demo: Report) -> None:
    (fell,) = flags(
        with_held(demo, "BTC", BTC_LIABILITIES + 2),
        later(with_held(demo, "BTC", BTC_LIABILITIES + 1), 1),
    )
    before, after = fell[2], fell[3]
    assert before != after and before.startswith("1.000000000") and len(before) == len(after)


def test_coverage_no_longer_established_is_worse(demo: Report) -> None:
    unknown = demo.model_copy(
        update={
            "assets": [
                a.model_copy(update={"customer_total": None, "coverage": None})
                if a.symbol == "ETH"
                else a
                for a in demo.assets
            ]
        }
    )
    assert flags(demo, later(unknown, 1)) == [(Kind.COVERAGE_FELL, "ETH", "1.006622", "unknown")]
    assert flags(unknown, later(demo, 1)) == []  # better, not worse


@settings(max_examples=60, deadline=None)
@given(before=st.integers(1, 10**24), share=st.fractions(0, 2))
def test_a_balance_that_left_is_flagged_below_half(
    demo: Report, before: int, share: Fraction
) -> None:
    after = int(before * share)
    earlier = with_balance(demo, COLD_ETH, "ETH", before)
    found = flags(earlier, later(with_balance(demo, COLD_ETH, "ETH", after), 1))
    left = [f for f in found if f[0] is Kind.BALANCE_LEFT]
    assert bool(left) == (2 * after < before)
    if left:
        assert left[0][1] == f"{COLD_ETH} on ethereum:31337, ETH"


def test_an_unread_balance_is_not_taken_for_one_that_left(demo: Report) -> None:
    assert flags(demo, later(with_balance(demo, COLD_ETH, "ETH", None), 1)) == []


def test_a_wallet_gone_is_flagged_and_a_reordered_or_recased_one_is_not(demo: Report) -> None:
    gone = with_wallets(demo, [w for w in demo.wallets if w.locator != COLD_ETH])
    assert flags(demo, later(gone, 1)) == [
        (Kind.WALLET_GONE, f"{COLD_ETH} on ethereum:31337", "1480 ETH, 1320000 USDC", "not listed")
    ]
    recased = [
        w.model_copy(update={"locator": w.locator.lower()}) if w.locator.startswith("0x") else w
        for w in reversed(demo.wallets)
    ]
    assert flags(demo, later(with_wallets(demo, recased), 1)) == []


def test_overlaps_name_both_exchanges_reports(demo: Report) -> None:
    theirs = later(demo, 2, exchange="other-exchange")
    shared = next(w for w in demo.wallets if w.locator == COLD_ETH)
    other = with_wallets(theirs, [shared.model_copy(update={"locator": COLD_ETH.lower()})])
    entries = [
        entry_of(demo, "a.json"),
        entry_of(later(demo, 40), "b.json"),
        entry_of(other, "c.json"),
    ]
    (o,) = overlaps(entries)
    assert (o.chain, o.address) == ("ethereum:31337", COLD_ETH)
    # the demo's report nearest in time to the other's, and how many of each claim it
    assert (o.first.exchange_id, o.first.snapshot_id) == ("demo-exchange", "2026-03-31")
    assert (o.second.exchange_id, o.second.snapshot_id) == ("other-exchange", "2026-04-02")
    assert (o.first_reports, o.second_reports) == (2, 1)
    # one exchange's own reports never overlap with each other
    assert overlaps(entries[:2]) == []


def test_one_chain_spelled_two_ways_is_one_chain(demo: Report) -> None:
    """`evm:ethereum` is `ethereum:1`: a double count is not hidden by a spelling,
    and another chain id is another chain."""
    shared = next(w for w in demo.wallets if w.locator == COLD_ETH)
    ours = with_wallets(demo, [shared.model_copy(update={"chain": "ethereum:1"})])
    theirs = later(demo, 2, exchange="other-exchange")
    for chain, overlapping in (("evm:ethereum", True), ("evm:base", False)):
        other = with_wallets(theirs, [shared.model_copy(update={"chain": chain})])
        found = overlaps([entry_of(ours, "a.json"), entry_of(other, "c.json")])
        assert [(o.chain, o.address) for o in found] == (
            [("ethereum:1", COLD_ETH)] if overlapping else []
        )


@given(st.integers(2, 5))
def test_every_pair_of_exchanges_claiming_an_address_is_listed(demo: Report, n: int) -> None:
    entries = [entry_of(later(demo, i, exchange=f"ex{i}"), "r.json") for i in range(n)]
    found = overlaps(entries)
    assert len(found) == len(demo.wallets) * n * (n - 1) // 2
    assert all(o.first.exchange_id < o.second.exchange_id for o in found)


def test_ratios_are_cut_until_they_read_apart() -> None:
    assert ratios(Fraction(3, 2), Fraction(1, 2)) == ("1.500000", "0.500000")
    assert ratios(Fraction(1, 3), None) == ("0.333333", "unknown")
    a, b = ratios(Fraction(10**9 + 1, 10**9), Fraction(1))
    assert (a, b) == ("1.000000001", "1.000000000")
