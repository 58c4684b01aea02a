"""Each policy check at its threshold, and one unit either side of it.

The base scenario (tests/support/attestations.py) passes jp-fsa-2026-draft; each test
moves one figure to the exact threshold of one rule, then one base unit (or one yen)
across it.
"""

from pathlib import Path
from typing import Any

import pytest

from tests.support.attestations import (
    BTC,
    COLD_BTC,
    HOT_BTC,
    OWN_BTC,
    attestation,
    balances,
    reconciled,
    set_balance,
    status,
)

# Hot value outside BTC in the base scenario: 40 ETH x 400,000 + 40,000 USDC x 150 JPY.
OTHER_HOT_JPY = 22_000_000
TOTAL_JPY = 1_550_000_000  # all customer crypto; BTC is priced at 10,000,000 JPY


def _hot_btc(bal: dict[str, Any], hot_sats: int) -> None:
    """Move BTC between the customer cold and hot wallets, keeping 100 BTC in total."""
    set_balance(bal, HOT_BTC, "BTC", hot_sats)
    set_balance(bal, COLD_BTC, "BTC", 100 * BTC - hot_sats)
    set_balance(bal, OWN_BTC, "BTC", hot_sats)  # keep jp-psa's matching rule out of the way


@pytest.mark.parametrize("delta, expect", [(-1, "pass"), (0, "pass"), (1, "pass")])
def test_coverage_at_liabilities(tmp_path: Path, delta: int, expect: str) -> None:
    att = attestation()
    bal = balances(att)
    set_balance(bal, COLD_BTC, "BTC", 96 * BTC + delta)
    report = reconciled(tmp_path, att, bal)
    assert status(report, "coverage.BTC") == ("fail" if delta < 0 else "pass")
    assert status(report, "coverage.ETH") == "pass"
    assert report.verdict.value == ("fail" if delta < 0 else "pass")


@pytest.mark.parametrize(
    "policy, hot_share_percent, btc_average",
    [
        ("jp-psa", 5, None),
        ("hk-sfc", 2, None),
        ("sg-mas", 10, None),
        ("kr", 20, None),
        ("th-sec", 10, None),
        # Korea values at the one-year average: BTC averaging 5m JPY against 10m at the
        # snapshot moves the line (at the snapshot's prices these holdings are 25.7% hot)
        ("kr", 20, 5_000_000),
    ],
)
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_cold_share_by_value(
    tmp_path: Path, policy: str, hot_share_percent: int, btc_average: int | None, delta: int
) -> None:
    att = attestation(policy)
    btc_jpy = 10_000_000
    if btc_average is not None:
        _kr_btc_average(att, btc_average)
        btc_jpy = btc_average
    bal = balances(att)
    hot_jpy = (TOTAL_JPY - 100 * (10_000_000 - btc_jpy)) * hot_share_percent // 100
    hot_sats, rest = divmod((hot_jpy - OTHER_HOT_JPY) * BTC, btc_jpy)
    assert rest == 0  # the line falls on a whole satoshi
    _hot_btc(bal, hot_sats + delta)
    report = reconciled(tmp_path, att, bal)
    # one satoshi more hot crosses the line; at it or below passes
    assert status(report, "cold-share") == ("fail" if delta > 0 else "pass")


def _kr_btc_average(att: dict[str, Any], jpy: int) -> None:
    """Korea values at the one-year average: make BTC's differ from its snapshot price."""
    att["average_prices"]["prices"]["BTC"] = str(jpy)


@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_cold_share_per_asset_bh(tmp_path: Path, delta: int) -> None:
    att = attestation("bh-cbb")
    bal = balances(att)
    _hot_btc(bal, 10 * BTC + delta)  # 90% cold exactly at delta 0
    report = reconciled(tmp_path, att, bal)
    assert status(report, "cold-share.BTC") == ("fail" if delta > 0 else "pass")
    assert status(report, "cold-share.ETH") == "pass"


@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_matching_own_crypto(tmp_path: Path, delta: int) -> None:
    att = attestation("jp-psa")
    bal = balances(att)
    set_balance(bal, OWN_BTC, "BTC", 4 * BTC + delta)  # customer BTC held hot: 4 BTC
    report = reconciled(tmp_path, att, bal)
    assert status(report, "matching-own-crypto.BTC") == ("fail" if delta < 0 else "pass")


def _only_cash(att: dict[str, Any], amount: int, held_at: str = "trust") -> None:
    att["liability_reserve"] = {
        "cash": [{"amount": str(amount), "currency": "JPY", "held_at": held_at, "holder": "T"}]
    }


def _reserve(report: Any) -> Any:
    (line,) = report.reserves
    return line


def _cash_at_threshold(
    tmp_path: Path, att: dict[str, Any], check: str, required: int, delta: int
) -> None:
    """Cash of `required` + `delta` in trust: the requirement is `required`, and one
    unit short of it fails."""
    _only_cash(att, required + delta)
    report = reconciled(tmp_path, att)
    assert _reserve(report).required == str(required)
    assert status(report, check) == ("fail" if delta < 0 else "pass")


@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_jp_draft_reserve_floor(tmp_path: Path, delta: int) -> None:
    _cash_at_threshold(
        tmp_path, attestation("jp-fsa-2026-draft"), "liability-reserve", 2_000_000_000, delta
    )


@pytest.mark.parametrize(
    "field, value, required",
    [
        # volume_rate 0.00002 x 150tn = 3bn
        ("trading_volume_12m", "150000000000000", "3000000000"),
        # incident_factor 1 x the worst of FY2022-2024
        (
            "incident_losses",
            [{"fiscal_year": y, "loss": str(y)} for y in (2022, 2023)]
            + [{"fiscal_year": 2024, "loss": "3500000000"}],
            "3500000000",
        ),
    ],
)
def test_jp_draft_reserve_terms(tmp_path: Path, field: str, value: Any, required: str) -> None:
    att = attestation("jp-fsa-2026-draft")
    att["reserve_inputs"][field] = value
    _only_cash(att, int(required))
    report = reconciled(tmp_path, att)
    assert _reserve(report).required == required
    assert status(report, "liability-reserve") == "pass"
    _only_cash(att, int(required) - 1)
    assert status(reconciled(tmp_path, att), "liability-reserve") == "fail"


def test_jp_draft_reserve_cold_term(tmp_path: Path) -> None:
    # cold_rate 0.01 x cold value: BTC at 3bn JPY makes cold customer crypto 288bn + 528m
    att = attestation("jp-fsa-2026-draft")
    att["prices"]["BTC"] = "3000000000"
    report = reconciled(tmp_path, att)
    assert _reserve(report).required == "2885280000"  # 0.01 x (288bn + 384m + 144m)


def test_jp_draft_incident_loss_of_an_older_year_does_not_count(tmp_path: Path) -> None:
    att = attestation("jp-fsa-2026-draft")
    att["reserve_inputs"]["incident_losses"].append({"fiscal_year": 2021, "loss": "9000000000"})
    assert _reserve(reconciled(tmp_path, att)).required == "2000000000"


@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_jp_draft_insurance_cap(tmp_path: Path, delta: int) -> None:
    """Insurance counts up to 50% of the 2bn requirement: 1bn of cover, net of deductible."""
    att = attestation("jp-fsa-2026-draft")
    policy = att["liability_reserve"]["insurance"][0]
    policy["cover"]["amount"] = "5000000000"
    att["liability_reserve"]["cash"][0]["amount"] = str(1_000_000_000 + delta)
    report = reconciled(tmp_path, att)
    assert _reserve(report).insurance == "1000000000"
    assert status(report, "liability-reserve") == ("fail" if delta < 0 else "pass")


@pytest.mark.parametrize("policy", ["eu-mica", "uk-fca"])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_own_funds_overheads(tmp_path: Path, policy: str, delta: int) -> None:
    """A quarter of last year's fixed overheads: MiCA's law, the FCA's proposed FOR."""
    # 0.25 x 800m fixed overheads
    _cash_at_threshold(tmp_path, attestation(policy), "own-funds", 200_000_000, delta)


@pytest.mark.parametrize("service_class", [None, 1, 3])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_uk_fca_permanent_minimum(tmp_path: Path, service_class: int | None, delta: int) -> None:
    """GBP 150,000 (at 190 JPY) for every firm: the UK has no MiCA-style class to read."""
    att = attestation("uk-fca")
    att["reserve_inputs"]["fixed_overheads"] = "0"
    att["reserve_inputs"]["service_class"] = service_class
    _cash_at_threshold(tmp_path, att, "own-funds", 28_500_000, delta)


def test_uk_fca_insurance_is_not_own_funds(tmp_path: Path) -> None:
    att = attestation("uk-fca")
    _insurance_only(att)
    report = reconciled(tmp_path, att)
    assert _reserve(report).insurance == "0"
    assert status(report, "own-funds") == "fail"


@pytest.mark.parametrize("service_class, eur", [(1, 50_000), (2, 125_000), (3, 150_000)])
def test_mica_class_minimum(tmp_path: Path, service_class: int, eur: int) -> None:
    att = attestation("eu-mica")
    att["reserve_inputs"]["fixed_overheads"] = "0"
    att["reserve_inputs"]["service_class"] = service_class
    required = eur * 160  # EUR at 160 JPY
    _only_cash(att, required - 1)
    report = reconciled(tmp_path, att)
    assert _reserve(report).required == str(required)
    assert status(report, "own-funds") == "fail"
    _only_cash(att, required)
    assert status(reconciled(tmp_path, att), "own-funds") == "pass"


def _insurance_only(att: dict[str, Any], **changes: Any) -> None:
    policy = att["liability_reserve"]["insurance"][0]
    policy.update({"cover": {"amount": "300000000", "currency": "JPY"}, "deductible": "0"})
    policy.update(changes)
    att["liability_reserve"]["cash"] = []


@pytest.mark.parametrize(
    "changes, counts",
    [
        ({}, True),
        ({"period_end": "2026-09-30T23:59:59Z"}, False),  # one second short of a year
        ({"cancellation_notice_days": 89}, False),
        ({"period_start": "2026-03-31T15:00:00Z", "period_end": "2027-03-31T15:00:00Z"}, True),
        ({"period_start": "2025-03-31T15:00:00Z", "period_end": "2026-03-31T15:00:00Z"}, False),
    ],
)
def test_mica_insurance_terms(tmp_path: Path, changes: dict[str, Any], counts: bool) -> None:
    att = attestation("eu-mica")
    _insurance_only(att, **changes)
    report = reconciled(tmp_path, att)
    assert _reserve(report).insurance == ("300000000" if counts else "0")
    assert status(report, "own-funds") == ("pass" if counts else "fail")


@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_hk_compensation(tmp_path: Path, delta: int) -> None:
    # 0.5 x cold (1,488m) + 1 x hot (62m) = 806m
    _cash_at_threshold(tmp_path, attestation("hk-sfc"), "compensation", 806_000_000, delta)


def test_hk_compensation_does_not_count_a_plain_bank_deposit(tmp_path: Path) -> None:
    att = attestation("hk-sfc")
    _only_cash(att, 10_000_000_000, held_at="bank")
    assert status(reconciled(tmp_path, att), "compensation") == "fail"


@pytest.mark.parametrize(
    "btc_average, required",
    [(None, 3_100_000), (5_000_000, 2_100_000)],  # 5% of 62m hot; of 4 BTC x 5m + 22m
)
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_kr_hot_reserve(tmp_path: Path, btc_average: int | None, required: int, delta: int) -> None:
    att = attestation("kr")
    if btc_average is not None:
        _kr_btc_average(att, btc_average)
    _only_cash(att, required + delta)
    report = reconciled(tmp_path, att)
    assert status(report, "hot-reserve") == ("fail" if delta < 0 else "pass")


def test_kr_without_averages_is_inconclusive_never_valued_at_the_snapshot(
    tmp_path: Path,
) -> None:
    """An attestation from before the field: it stays valid, and Korea's value checks
    cannot run on it."""
    att = attestation("kr")
    del att["average_prices"]
    report = reconciled(tmp_path, att)
    for check in ("cold-share", "hot-reserve"):
        assert status(report, check) == "inconclusive"
        (c,) = [x for x in report.checks if x.id == check]
        assert "no average_prices" in c.reason
    assert status(report, "coverage.BTC") == "pass"
    assert report.verdict.value == "inconclusive"
    # the same attestation under a snapshot-priced regime passes
    assert reconciled(tmp_path, att, policy="sg-mas").verdict.value == "pass"


@pytest.mark.parametrize(
    "start, end, expect",
    [
        ("2025-04-01", "2026-03-31", "pass"),  # one year, ending on the snapshot day
        ("2025-04-02", "2026-03-31", "inconclusive"),  # a day short of a year
        ("2025-03-31", "2026-03-31", "inconclusive"),  # a day more than a year
        ("2025-03-02", "2026-03-01", "pass"),  # ends 30 days before the snapshot
        ("2025-03-01", "2026-02-28", "pass"),  # 31 days: the latest monthly figure
        ("2025-02-28", "2026-02-27", "inconclusive"),  # 32 days: a month is missed
        ("2025-04-02", "2026-04-01", "inconclusive"),  # ends after the snapshot
    ],
)
def test_kr_average_period(tmp_path: Path, start: str, end: str, expect: str) -> None:
    att = attestation("kr")
    att["average_prices"]["period_start"] = start
    att["average_prices"]["period_end"] = end
    report = reconciled(tmp_path, att)
    assert status(report, "cold-share") == expect
    assert status(report, "hot-reserve") == expect


@pytest.mark.parametrize("held_at", ["trust", "escrow", "pooled"])
@pytest.mark.parametrize("term, counts", [(None, True), (5, True), (6, True), (7, False)])
def test_hk_compensation_escrow_pooled_and_deposit_term(
    tmp_path: Path, held_at: str, term: int | None, counts: bool
) -> None:
    att = attestation("hk-sfc")
    _only_cash(att, 806_000_000, held_at=held_at)
    if term is not None:
        att["liability_reserve"]["cash"][0]["term_months"] = term
    report = reconciled(tmp_path, att)
    assert _reserve(report).cash == ("806000000" if counts else "0")
    assert status(report, "compensation") == ("pass" if counts else "fail")


def test_a_deposit_term_limits_only_the_policy_that_sets_one(tmp_path: Path) -> None:
    att = attestation("kr")
    _only_cash(att, 3_100_000)
    att["liability_reserve"]["cash"][0]["term_months"] = 24
    assert status(reconciled(tmp_path, att), "hot-reserve") == "pass"


def test_insurance_without_the_named_peril_does_not_count(tmp_path: Path) -> None:
    att = attestation("kr")
    _insurance_only(att, perils=["operational-failure"])
    report = reconciled(tmp_path, att)
    assert _reserve(report).insurance == "0"
    assert status(report, "hot-reserve") == "fail"


@pytest.mark.parametrize("policy", ["ae-vara", "br-bcb"])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_same_asset_coverage(tmp_path: Path, policy: str, delta: int) -> None:
    """A surplus of ETH does not make up for a BTC shortfall (VARA's same-asset rule;
    Brazil's segregation and proof of reserves)."""
    att = attestation(policy)
    bal = balances(att)
    set_balance(bal, COLD_BTC, "BTC", 96 * BTC + delta)
    set_balance(bal, "0x" + "a1" * 20, "ETH", 10**24)
    report = reconciled(tmp_path, att, bal)
    assert status(report, "coverage.BTC") == ("fail" if delta < 0 else "pass")
