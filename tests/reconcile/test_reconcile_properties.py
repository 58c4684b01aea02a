"""Generated holdings against a brute-force reading of the rules."""

import json
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.attestations import HOLDINGS, attestation
from verifier.models.attestation import Attestation
from verifier.models.check import Status
from verifier.reconcile.holdings import wallet_key
from verifier.reconcile.observations import Observations, OwnershipStatus, WalletObservation
from verifier.reconcile.policy import load_policy
from verifier.reconcile.reconciler import reconcile

ATT = Attestation.model_validate_json(json.dumps(attestation("kr")), strict=True)
KR = load_policy("kr")
PRICE = {
    "BTC": Fraction(10**7, 10**8),
    "ETH": Fraction(4 * 10**5, 10**18),
    "USDC": Fraction(150, 10**6),
}  # JPY per base unit
units = st.integers(min_value=0, max_value=10**30)


def _observe(held: dict[str, dict[str, int]]) -> Observations:
    return Observations(
        {
            wallet_key(w): WalletObservation(
                balances={a: held[w.locator].get(a, 0) for a in w.assets},
                ownership=OwnershipStatus.VERIFIED,
            )
            for w in ATT.wallets
        }
    )


def _statuses(held: dict[str, dict[str, int]]) -> dict[str, Status]:
    rec = reconcile(ATT, _observe(held), KR)
    out = {}
    for check in rec.checks:
        result = check.verify()
        out[result.id] = result.status
        for part in (result.evidence or {}).get("parts", []):
            out[part.id] = part.status
            for sub in (part.evidence or {}).get("parts", []):
                out[sub.id] = sub.status
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.fixed_dictionaries(
        {w: st.fixed_dictionaries({a: units for a in h}) for w, h in HOLDINGS.items()}
    )
)
def test_kr_against_brute_force(held: dict[str, dict[str, int]]) -> None:
    got = _statuses(held)
    customer = [w for w in ATT.wallets if w.ownership_class == "customer"]
    totals = ATT.liabilities.tree.totals()
    for symbol, owed in totals.items():
        s = sum(held[w.locator].get(symbol, 0) for w in customer)
        assert (got[f"coverage.{symbol}"] is Status.PASS) == (s >= owed)
    value = {
        role: sum(
            held[w.locator].get(a, 0) * PRICE[a]
            for w in customer
            if w.role == role
            for a in w.assets
        )
        for role in ("cold", "hot")
    }
    whole = value["cold"] + value["hot"]
    if whole == 0:
        assert got["cold-share"] is Status.INCONCLUSIVE
    else:
        assert (got["cold-share"] is Status.PASS) == (value["cold"] >= Fraction(8, 10) * whole)
    # the reserve: 2bn JPY cash at trust + 900m net insurance against 5% of hot value
    assert (got["hot-reserve"] is Status.PASS) == (value["hot"] / 20 <= 2_900_000_000)
