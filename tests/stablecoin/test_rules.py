"""The stablecoin reserve rules at their thresholds, on supplies given directly (the
reads are the live and offline tests'): each preset's maturity, collateral and share
limits on either side of the line, the conversion of token units into the currency's
minor unit, exact to the last unit, and an issuer type a policy has no terms for."""

import copy
import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chains.ethereum.supply import Supply
from chains.snapshot import Snapshot
from tests.stablecoin.helpers import DEMO
from verifier.models.check import Status
from verifier.models.stablecoin import StablecoinAttestation
from verifier.reconcile.policy import load_policy
from verifier.reconcile.stablecoin import ChainSupply, reconcile_stablecoin

BASE: dict[str, Any] = json.loads((DEMO / "attestation.json").read_text())


def attestation(
    reserves: list[dict[str, Any]],
    *,
    currency: str = "USD",
    decimals: int = 6,
    issuer_type: str = "other",
) -> StablecoinAttestation:
    """The demo's attestation on its first chain only, with these reserves (as_of the
    snapshot's day) and no treasury or burn address."""
    doc = copy.deepcopy(BASE)
    doc["issuer_type"] = issuer_type
    doc["token"]["peg_currency"] = currency
    doc["token"]["deployments"] = [{**doc["token"]["deployments"][0], "decimals": decimals}]
    doc["snapshot"]["chains"] = doc["snapshot"]["chains"][:1]
    doc["treasuries"], doc["burn_addresses"] = [], []
    doc["reserves"] = [
        {"custodian": "Bank", "currency": currency, "as_of": "2026-03-31", **r} for r in reserves
    ]
    return StablecoinAttestation.model_validate_json(json.dumps(doc))


def results(att: StablecoinAttestation, policy: str, supply: int) -> dict[str, Status]:
    d = att.token.deployments[0]
    read = Supply(Snapshot(1, "0x" + "00" * 32), d.contract, supply, d.decimals, "DEMO", ())
    chains = [ChainSupply(d, read, frozenset())]
    rec = reconcile_stablecoin(att, load_policy(policy), chains, [])
    out: dict[str, Status] = {}
    for check in rec.checks[0].parts:  # type: ignore[attr-defined]
        out[check.id] = check.verify().status
    return out


USD_1M = 1_000_000 * 10**6  # a million tokens of 6 decimals: 100,000,000 cents


@pytest.mark.parametrize(
    "reserve, counts",
    [
        ({"type": "government_bill", "maturity": "2026-07-02"}, True),  # 93 days
        ({"type": "government_bill", "maturity": "2026-07-03"}, False),  # 94 days
        ({"type": "repo", "maturity": "2026-04-01", "collateral": "government_bill"}, True),
        ({"type": "repo", "maturity": "2026-04-02", "collateral": "government_bill"}, False),
        ({"type": "repo", "maturity": "2026-04-01", "collateral": "government_bond"}, False),
        ({"type": "bank_deposit"}, True),
        ({"type": "bank_deposit", "maturity": "2026-04-30"}, False),  # a time deposit
        ({"type": "trust_deposit"}, False),
        ({"type": "mmf"}, True),
        ({"type": "government_bill", "maturity": "2026-03-31"}, True),  # matures that day
    ],
)
def test_us_genius_eligibility_at_its_limits(reserve: dict[str, Any], counts: bool) -> None:
    att = attestation([{**reserve, "amount": "100000000"}])
    got = results(att, "us-genius", USD_1M)["reserves.coverage"]
    assert got is (Status.PASS if counts else Status.FAIL)


@pytest.mark.parametrize("deposit, status", [("30000000", Status.PASS), ("29999999", Status.FAIL)])
def test_mica_thirty_percent_at_credit_institutions(deposit: str, status: Status) -> None:
    bills = str(100_000_000 - int(deposit))
    att = attestation(
        [
            {"type": "bank_deposit", "amount": deposit},
            {"type": "government_bill", "amount": bills, "maturity": "2026-06-30"},
        ],
        currency="EUR",
    )
    got = results(att, "eu-mica-emt", USD_1M)
    assert got["reserves.share.credit-institutions.min"] is status
    assert got["reserves.coverage"] is Status.PASS


@pytest.mark.parametrize("bonds, status", [(500_000_000, Status.PASS), (500_000_001, Status.FAIL)])
def test_jp_epi_trust_type_half_in_bonds_and_time_deposits(bonds: int, status: Status) -> None:
    att = attestation(
        [
            {"type": "trust_deposit", "amount": str(1_000_000_000 - bonds)},
            {"type": "government_bill", "amount": str(bonds), "maturity": "2026-06-30"},
        ],
        currency="JPY",
        issuer_type="trust",
    )
    got = results(att, "jp-epi", 1_000_000_000 * 10**6)
    assert got["reserves.share.bonds-and-time-deposits.max"] is status


def test_jp_epi_funds_transfer_type_counts_no_bank_deposit() -> None:
    att = attestation(
        [{"type": "bank_deposit", "amount": "1000"}], currency="JPY", issuer_type="funds-transfer"
    )
    assert results(att, "jp-epi", 1000 * 10**6)["reserves.coverage"] is Status.FAIL


def test_an_issuer_type_without_terms_fails() -> None:
    att = attestation([{"type": "trust_deposit", "amount": "1000"}], currency="JPY")
    got = results(att, "jp-epi", 1000 * 10**6)  # "other": jp-epi has no terms for it
    assert got["reserves.terms"] is Status.FAIL and got["reserves.coverage"] is Status.FAIL


def test_a_stale_figure_fails_the_dates_check() -> None:
    att = attestation([{"type": "bank_deposit", "amount": "100000000", "as_of": "2026-02-27"}])
    assert results(att, "us-genius", USD_1M)["reserves.dates"] is Status.FAIL  # 32 days


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    decimals=st.integers(min_value=0, max_value=30),
    supply=st.integers(min_value=0, max_value=10**40),
    cents=st.integers(min_value=0, max_value=10**40),
)
def test_coverage_is_exact_in_the_minor_unit(decimals: int, supply: int, cents: int) -> None:
    """Covered exactly when cents x 10^decimals >= supply x 10^2 (1 token = 1 USD)."""
    att = attestation([{"type": "bank_deposit", "amount": str(cents)}], decimals=decimals)
    got = results(att, "us-genius", supply)["reserves.coverage"]
    covered = Fraction(cents, 100) >= Fraction(supply, 10**decimals)
    assert got is (Status.PASS if covered else Status.FAIL)
