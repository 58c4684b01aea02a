"""Checks every policy gets: one snapshot for liabilities and reserves, each address
counted once and for one purpose, ownership proven, balances read."""

from collections import Counter

from chains.addresses import normalize
from verifier.i18n import N_
from verifier.models.attestation import Attestation, Wallet
from verifier.models.check import CheckResult, Status
from verifier.reconcile.checks import AllOf, Check
from verifier.reconcile.holdings import wallet_key
from verifier.reconcile.observations import Observations, OwnershipStatus, Unknown
from verifier.reconcile.show import units


def _result(id: str, ok: bool, reason: str, **kw: object) -> CheckResult:
    return CheckResult(
        id=id, status=Status.PASS if ok else Status.FAIL, reason="" if ok else reason, **kw
    )


class LiabilitiesSnapshot(Check):
    method = N_("The liability tree's snapshot_id must equal the attestation's snapshot id.")

    def __init__(self, att: Attestation) -> None:
        self.id = "snapshot.liabilities"
        self.att = att

    def verify(self) -> CheckResult:
        want, got = self.att.snapshot.id, self.att.liabilities.tree.snapshot_id
        reason = N_("the tree is for snapshot {tree}, the reserves for {reserves}").format(
            tree=repr(got), reserves=repr(want)
        )
        return _result(self.id, want == got, reason, expected=want, actual=got)


class WalletSnapshot(Check):
    method = N_(
        "The balances of the wallet must have been read at the snapshot's block of its "
        "chain: same height and same block hash."
    )

    def __init__(self, att: Attestation, w: Wallet, obs: Observations) -> None:
        self.id = f"snapshot.wallet[{w.locator}]"
        self.att, self.w, self.obs = att, w, obs

    def verify(self) -> CheckResult:
        point = self.att.snapshot.point(self.w.chain)
        if point is None:  # load_attestation refuses this; a model built in code may not
            reason = N_("the snapshot pins no block on {chain}").format(chain=self.w.chain)
            return CheckResult(id=self.id, status=Status.FAIL, reason=reason)
        expected = f"{self.w.chain} #{point.height} {point.block_hash}"
        o = self.obs.get(wallet_key(self.w))
        if o is None or o.read_at is None:
            return CheckResult(
                id=self.id,
                status=Status.INCONCLUSIVE,
                reason=N_("no block recorded for this wallet's balances"),
                expected=expected,
            )
        actual = f"{self.w.chain} #{o.read_at.height} {o.read_at.block_hash}"
        same = (o.read_at.height, o.read_at.block_hash) == (point.height, point.block_hash)
        reason = N_("balances read at another block than the snapshot's")
        return _result(self.id, same, reason, expected=expected, actual=actual)


def _locators(wallets: list[Wallet]) -> list[tuple[str, str]]:
    return [(w.chain, normalize(w.locator)) for w in wallets]


class UniqueAddresses(Check):
    id = "addresses.unique"
    method = N_("No address (compared case-insensitively where its format is) is listed twice.")

    def __init__(self, att: Attestation) -> None:
        self.att = att

    def verify(self) -> CheckResult:
        counts = Counter(_locators(self.att.wallets))
        twice = sorted(a for (_, a), n in counts.items() if n > 1)
        return _result(
            self.id,
            not twice,
            f"listed more than once: {', '.join(twice)}",
            expected=N_("each address once"),
            actual=twice or N_("each address once"),
        )


class Segregated(Check):
    id = "addresses.segregated"
    method = N_("No address is both a customer wallet and an own wallet of the exchange.")

    def __init__(self, att: Attestation) -> None:
        self.att = att

    def verify(self) -> CheckResult:
        customer = set(_locators([w for w in self.att.wallets if w.ownership_class == "customer"]))
        own = set(_locators([w for w in self.att.wallets if w.ownership_class == "own"]))
        both = sorted(a for _, a in customer & own)
        return _result(
            self.id,
            not both,
            f"in both customer and own wallets: {', '.join(both)}",
            expected=N_("customer and own wallets disjoint"),
            actual=both or N_("disjoint"),
        )


class NotOtherEntities(Check):
    id = "addresses.other-entities"
    method = N_(
        "No address appears in the list of other entities' addresses the auditor supplied "
        "(the same coins counted by two entities)."
    )

    def __init__(self, att: Attestation, others: set[str]) -> None:
        self.att, self.others = att, others

    def verify(self) -> CheckResult:
        shared = sorted({a for _, a in _locators(self.att.wallets)} & self.others)
        return _result(
            self.id,
            not shared,
            f"also claimed by another entity: {', '.join(shared)}",
            expected=N_("none of {count} other entities' addresses").format(count=len(self.others)),
            actual=shared or N_("none"),
        )


class Ownership(Check):
    method = N_(
        "The exchange proved control of the address by a signature over the por-ownership:v1 "
        "message (exchange, snapshot, chain, address)."
    )

    def __init__(self, w: Wallet, obs: Observations) -> None:
        self.id = f"ownership[{w.locator}]"
        self.w, self.obs = w, obs

    def verify(self) -> CheckResult:
        o = self.obs.get(wallet_key(self.w))
        if o is None:
            return CheckResult(
                id=self.id, status=Status.INCONCLUSIVE, reason=N_("no ownership result given")
            )
        status = {
            OwnershipStatus.VERIFIED: Status.PASS,
            OwnershipStatus.FAILED: Status.FAIL,
            OwnershipStatus.INCONCLUSIVE: Status.INCONCLUSIVE,
        }[o.ownership]
        return CheckResult(
            id=self.id,
            status=status,
            reason=o.ownership_reason,
            expected=N_("verified"),
            actual=o.ownership.value,
            evidence=o.evidence,
        )


class BalanceRead(Check):
    method = N_("The wallet's balance of the asset was read at the snapshot block.")

    def __init__(self, w: Wallet, symbol: str, att: Attestation, obs: Observations) -> None:
        self.id = f"balance[{w.locator}].{symbol}"
        self.w, self.symbol, self.att, self.obs = w, symbol, att, obs

    def verify(self) -> CheckResult:
        o = self.obs.get(wallet_key(self.w))
        b = None if o is None else o.balances.get(self.symbol)
        if b is None or isinstance(b, Unknown):
            reason = b.reason if isinstance(b, Unknown) else N_("no balance given")
            return CheckResult(id=self.id, status=Status.INCONCLUSIVE, reason=reason)
        asset = next(a for a in self.att.assets if a.symbol == self.symbol)
        return CheckResult(
            id=self.id,
            status=Status.PASS,
            actual=units(asset)(b),
            evidence=None if o is None else o.evidence,
        )


def integrity_checks(
    att: Attestation, wallets: list[Wallet], obs: Observations, others: set[str] | None
) -> list[Check]:
    """`wallets`: the distinct wallets; `others`: None when no list was given."""
    address_checks: list[Check] = [UniqueAddresses(att), Segregated(att)]
    if others is not None:
        address_checks.append(NotOtherEntities(att, others))
    return [
        AllOf(
            "snapshot",
            [LiabilitiesSnapshot(att), *(WalletSnapshot(att, w, obs) for w in wallets)],
            N_("Liabilities and reserves are taken at one snapshot."),
        ),
        AllOf("addresses", address_checks, N_("Each address counts once, for one purpose.")),
        AllOf(
            "ownership",
            [Ownership(w, obs) for w in wallets],
            N_("The exchange controls every wallet it counts."),
        ),
        AllOf(
            "balances",
            [BalanceRead(w, a, att, obs) for w in wallets for a in w.assets],
            N_("Every balance the attestation relies on was read."),
        ),
    ]
