"""The return plan: per asset, in kind, then the reserve in the reporting currency.

Per asset, what is distributable is the verified customer holdings up to the asset's
claims (a surplus is not the customers'); claims are paid in full when it covers
them, else pro rata by the largest-remainder method, so that the payments add up to
exactly what is distributable. No asset pays for another. Each claim's shortfall is
then valued at the report's price in the currency's smallest unit, rounded down (a
customer is never made up more than their shortfall is worth), and the reserve is
spread over these by the rule chosen.

Ties are broken by the account's leaf index in the liability tree, which por's
builder assigns in the order of the leaf hashes: reproducible, and blind to sign-up
order and account ids. A shortfall row of the reserve rules ranks by (leaf index,
asset position in the tree).
"""

from dataclasses import dataclass, field

import numpy as np

from verifier.administer.allocate import ReserveUse, largest_remainder, spread
from verifier.administer.basis import AssetBasis, Basis
from verifier.io.ledger import LedgerBatch


@dataclass
class Claims:
    """The ledger as the tree audit read it, in ledger order."""

    account_ids: list[str] = field(default_factory=list)
    leaves: list[int] = field(default_factory=list)  # leaf index in the liability tree
    nonces: list[bytes] = field(default_factory=list)  # the liability tree's nonces
    amounts: list[list[int]] = field(default_factory=list)  # per asset, base units

    def observe(self, batch: LedgerBatch, entries: list[tuple[int, bytes]]) -> None:
        """Collect one audited ledger batch (an `audit_tree` observer)."""
        if not self.amounts:
            self.amounts = [[] for _ in batch.balances]
        self.account_ids += batch.account_ids
        self.leaves += [leaf for leaf, _ in entries]
        self.nonces += [nonce for _, nonce in entries]
        for column, values in zip(self.amounts, batch.balances, strict=True):
            column += values


@dataclass(frozen=True)
class AssetOutcome:
    basis: AssetBasis
    claims: int  # the sum of the ledger's claims (the audit made it the tree's)
    distributable: int
    paid: list[int]  # in kind, base units, per account in ledger order
    needs: list[int]  # each shortfall's value, the currency's smallest unit, rounded down
    topups: list[int]  # what the reserve pays of each need

    @property
    def paid_total(self) -> int:
        return sum(self.paid)


@dataclass(frozen=True)
class Plan:
    liability_commitment: str  # of the tree the plan pays out
    rule: ReserveUse
    claims: Claims
    basis: Basis
    outcomes: list[AssetOutcome]

    @property
    def plan_id(self) -> str:
        """The entitlement tree's snapshot id: names the plan, its rule and the liability
        tree it pays out, so that no entitlement proof can pass for another plan's."""
        return f"administer-plan/{self.rule}/{self.liability_commitment}"

    @property
    def fiat(self) -> list[int]:
        """Each account's top-up, all assets together (the entitlement tree's last column)."""
        total: list[int] = sum(
            (np.array(o.topups, object) for o in self.outcomes),
            np.zeros(len(self.claims.account_ids), object),
        ).tolist()
        return total


def make_plan(claims: Claims, basis: Basis, rule: ReserveUse, liability_commitment: str) -> Plan:
    k = len(basis.assets)
    leaves = np.asarray(claims.leaves, np.int64)  # leaf indices count rows in memory
    partial = []
    for j, asset in enumerate(basis.assets):
        amounts = claims.amounts[j]
        total = sum(amounts)
        distributable = min(asset.holdings, total)
        paid = largest_remainder(amounts, distributable, leaves)
        short = _needs(amounts, paid, asset, basis) if distributable < total else [0] * len(paid)
        partial.append((asset, total, distributable, paid, short))
    needs = [need for *_, column in partial for need in column]
    ties = np.concatenate([leaves * k + j for j in range(k)])
    topups = spread(needs, basis.reserve, ties, rule)
    n = len(claims.account_ids)
    outcomes = [
        AssetOutcome(asset, total, distributable, paid, column, topups[j * n : (j + 1) * n])
        for j, (asset, total, distributable, paid, column) in enumerate(partial)
    ]
    return Plan(liability_commitment, rule, claims, basis, outcomes)


def _needs(amounts: list[int], paid: list[int], asset: AssetBasis, basis: Basis) -> list[int]:
    """Value of each claim's shortfall in the currency's smallest unit, rounded down."""
    if asset.price is None:
        raise ValueError(f"{asset.asset.symbol} is short and has no price (plan_basis refuses it)")
    num = asset.price.numerator * 10**basis.currency_decimals
    den = asset.price.denominator * 10**asset.asset.decimals
    short = np.array(amounts, object) - np.array(paid, object)  # Python ints: exact
    out: list[int] = (short * num // den).tolist()
    return out
