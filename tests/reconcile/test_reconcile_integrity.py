"""The checks every policy gets, and inputs a check cannot get: inconclusive, never pass."""

from pathlib import Path

import pytest

from tests.support.attestations import (
    COLD_BTC,
    COLD_ETH,
    EXCHANGE_PRESETS,
    HOT_BTC,
    attestation,
    balances,
    reconciled,
    set_balance,
    status,
)


@pytest.mark.parametrize("name", EXCHANGE_PRESETS)
def test_the_base_scenario_under_each_preset(tmp_path: Path, name: str) -> None:
    """96% cold passes everywhere but Hong Kong, which asks for 98%."""
    report = reconciled(tmp_path, attestation(name))
    failed = [c.id for c in report.checks if c.status.value != "pass"]
    if name == "hk-sfc":
        assert failed == [f"policy.{name}", "cold-share"]
    else:
        assert failed == []
    assert report.verdict.value == ("fail" if failed else "pass")


def test_an_address_listed_twice_fails_and_counts_once(tmp_path: Path) -> None:
    att = attestation()
    again = {**att["wallets"][0]}  # bcrt1qcold0 again, as another cold wallet
    att["wallets"].append(again)
    report = reconciled(tmp_path, att)
    assert status(report, "addresses.unique") == "fail"
    (btc,) = [a for a in report.assets if a.symbol == "BTC"]
    assert btc.customer_total == "100"  # not 196
    assert report.verdict.value == "fail"


def test_an_ethereum_address_in_another_case_is_the_same_address(tmp_path: Path) -> None:
    att = attestation()
    again = {**att["wallets"][3], "address": "0x" + "A1" * 20}
    att["wallets"].append(again)
    assert status(reconciled(tmp_path, att), "addresses.unique") == "fail"


def test_an_address_in_both_customer_and_own_wallets_fails(tmp_path: Path) -> None:
    att = attestation()
    own = {**att["wallets"][0], "ownership_class": "own"}
    att["wallets"].append(own)
    report = reconciled(tmp_path, att)
    assert status(report, "addresses.segregated") == "fail"
    assert report.verdict.value == "fail"


@pytest.mark.parametrize("listed, expect", [({"bcrt1qsomeoneelse"}, "pass"), ({COLD_ETH}, "fail")])
def test_other_entities_addresses(tmp_path: Path, listed: set[str], expect: str) -> None:
    report = reconciled(tmp_path, attestation(), others=listed)
    assert status(report, "addresses.other-entities") == expect


def test_without_other_entities_the_report_says_it_did_not_look(tmp_path: Path) -> None:
    report = reconciled(tmp_path, attestation())
    assert not [c for c in report.checks if c.id == "addresses.other-entities"]
    assert any("other entities" in x for x in report.limitations)


def test_liabilities_of_another_snapshot_fail(tmp_path: Path) -> None:
    att = attestation()
    att["liabilities"]["tree"]["snapshot_id"] = "2026-02-28"
    report = reconciled(tmp_path, att)
    assert status(report, "snapshot.liabilities") == "fail"
    assert report.verdict.value == "fail"


@pytest.mark.parametrize("field, value", [("height", 499), ("block_hash", "33" * 32)])
def test_balances_read_at_another_block_fail(tmp_path: Path, field: str, value: object) -> None:
    att = attestation()
    bal = balances(att)
    bal["wallets"][1][field] = value
    report = reconciled(tmp_path, att, bal)
    assert status(report, f"snapshot.wallet[{HOT_BTC}]") == "fail"
    assert report.verdict.value == "fail"


def test_balances_with_no_block_are_inconclusive(tmp_path: Path) -> None:
    att = attestation()
    bal = balances(att)
    del bal["wallets"][1]["height"], bal["wallets"][1]["block_hash"]
    report = reconciled(tmp_path, att, bal)
    assert status(report, f"snapshot.wallet[{HOT_BTC}]") == "inconclusive"
    assert report.verdict.value == "inconclusive"


def test_a_failed_ownership_proof_fails_and_its_coins_do_not_count(tmp_path: Path) -> None:
    att = attestation()
    bal = balances(att)
    bal["wallets"][0]["ownership"] = {"status": "failed", "reason": "signature by another key"}
    report = reconciled(tmp_path, att, bal)
    assert status(report, f"ownership[{COLD_BTC}]") == "fail"
    assert status(report, "coverage.BTC") == "fail"  # 96 BTC no longer count
    assert report.verdict.value == "fail"


def test_an_inconclusive_ownership_makes_what_depends_on_it_inconclusive(tmp_path: Path) -> None:
    att = attestation()
    bal = balances(att)
    bal["wallets"][0]["ownership"] = {"status": "inconclusive", "reason": "node unreachable"}
    report = reconciled(tmp_path, att, bal)
    assert status(report, f"ownership[{COLD_BTC}]") == "inconclusive"
    assert status(report, "coverage.BTC") == "inconclusive"
    assert status(report, "coverage.ETH") == "pass"
    assert status(report, "cold-share") == "inconclusive"
    assert report.verdict.value == "inconclusive"


def test_an_unreadable_balance_is_inconclusive_even_when_the_rest_covers(tmp_path: Path) -> None:
    att = attestation()
    bal = balances(att)
    set_balance(bal, COLD_BTC, "BTC", 200 * 10**8)  # would cover on its own
    bal["wallets"][1]["balances"]["BTC"] = {"inconclusive": "esplora timed out"}
    report = reconciled(tmp_path, att, bal)
    assert status(report, f"balance[{HOT_BTC}].BTC") == "inconclusive"
    assert status(report, "coverage.BTC") == "inconclusive"
    coverage = next(c for c in report.checks if c.id == "coverage.BTC")
    assert "esplora timed out" in coverage.reason
    assert report.verdict.value == "inconclusive"


def test_a_wallet_missing_from_the_balances_is_inconclusive(tmp_path: Path) -> None:
    att = attestation()
    bal = balances(att)
    del bal["wallets"][1]
    report = reconciled(tmp_path, att, bal)
    assert status(report, f"ownership[{HOT_BTC}]") == "inconclusive"
    assert status(report, "coverage.BTC") == "inconclusive"


def test_a_missing_price_makes_value_checks_inconclusive(tmp_path: Path) -> None:
    att = attestation("kr")
    del att["average_prices"]["prices"]["USDC"]  # Korea values at the one-year averages
    report = reconciled(tmp_path, att)
    assert status(report, "cold-share") == "inconclusive"
    assert status(report, "hot-reserve") == "inconclusive"
    assert status(report, "coverage.USDC") == "pass"  # units need no price
    assert report.verdict.value == "inconclusive"


def test_a_reserve_in_a_currency_without_a_rate_is_inconclusive(tmp_path: Path) -> None:
    att = attestation("jp-fsa-2026-draft")
    att["liability_reserve"]["cash"][0]["currency"] = "USD"
    assert status(reconciled(tmp_path, att), "liability-reserve") == "inconclusive"


@pytest.mark.parametrize("field", ["fiscal_year", "trading_volume_12m", "incident_losses"])
def test_missing_reserve_inputs_are_inconclusive(tmp_path: Path, field: str) -> None:
    att = attestation("jp-fsa-2026-draft")
    del att["reserve_inputs"][field]
    report = reconciled(tmp_path, att)
    assert status(report, "liability-reserve") == "inconclusive"
    assert report.verdict.value == "inconclusive"


def test_mica_without_a_service_class_is_inconclusive(tmp_path: Path) -> None:
    att = attestation("eu-mica")
    del att["reserve_inputs"]["service_class"]
    assert status(reconciled(tmp_path, att), "own-funds") == "inconclusive"


def test_no_customer_holdings_at_all_is_not_a_share_that_passes(tmp_path: Path) -> None:
    att = attestation("sg-mas")
    bal = balances(att)
    for w in bal["wallets"]:
        w["balances"] = {a: {"units": "0"} for a in w["balances"]}
    report = reconciled(tmp_path, att, bal)
    assert status(report, "cold-share") == "inconclusive"
    assert report.verdict.value == "fail"  # nothing covers the liabilities


def test_checks_decided_elsewhere_share_the_verdict(tmp_path: Path) -> None:
    from tests.support.attestations import write
    from verifier.io.attestation import load_attestation, load_balances
    from verifier.models.check import CheckResult, Status
    from verifier.reconcile.checks import Given
    from verifier.reconcile.policy import load_policy
    from verifier.reconcile.reconciler import reconcile
    from verifier.report.build import build_report

    att = load_attestation(write(tmp_path / "a.json", attestation()))
    obs = load_balances(write(tmp_path / "b.json", balances(attestation())), att)
    tree = CheckResult(id="liabilities.commitment", status=Status.FAIL, reason="root differs")
    rec = reconcile(att, obs, load_policy("jp-psa"), before=[Given(tree, "recomputed")])
    report = build_report(rec, balances_source="t", prices_source="t")
    assert report.checks[0].id == "liabilities.commitment"
    assert report.verdict is Status.FAIL


def test_a_wallet_on_a_chain_the_snapshot_does_not_pin_fails(tmp_path: Path) -> None:
    """load_attestation refuses such a file; an attestation built in code is checked too."""
    import json

    from verifier.models.attestation import Attestation
    from verifier.reconcile.integrity import WalletSnapshot
    from verifier.reconcile.observations import Observations

    data = attestation()
    data["snapshot"]["chains"].pop()  # ethereum:31337 no longer pinned
    att = Attestation.model_validate_json(json.dumps(data), strict=True)
    result = WalletSnapshot(att, att.wallets[3], Observations()).verify()
    assert result.status.value == "fail"
    assert "pins no block on ethereum:31337" in result.reason
