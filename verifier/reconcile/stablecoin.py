"""A stablecoin issuer's reserves against its outstanding supply, under a policy's
`stablecoin-reserves` rule.

Outstanding supply is read on chain: each chain's totalSupply() less the balances of
the issuer's proven treasuries and of burn addresses (a treasury whose proof did not
pass is not subtracted: its tokens count as issued). One token is one unit of the peg
currency, so base units become the currency's minor units by a power of ten, exactly
(a yen coin: 1 token = 1 JPY). Each reserve asset is eligible or not, by the terms for
the issuer's type (category, maturity from the snapshot's date, repo collateral,
currency); only eligible assets count, and each one left out is named with why.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from babel.numbers import get_currency_precision

from chains.ethereum.supply import Supply
from verifier.i18n import N_
from verifier.models.check import CheckResult, Status
from verifier.models.stablecoin import Deployment, ReserveAsset, StablecoinAttestation
from verifier.reconcile import show
from verifier.reconcile.checks import AllOf, AtLeast, AtMost, Check, Given
from verifier.reconcile.observations import Unknown
from verifier.reconcile.policy import Policy, ReserveTerms, StablecoinReserves
from verifier.reconcile.quantity import Quantity, total


@dataclass(frozen=True)
class ChainSupply:
    """One chain's read: the token's answers, or None when it could not be read, and
    which treasuries' proofs passed (only their balances are subtracted)."""

    deployment: Deployment
    read: Supply | None
    proven: frozenset[str]  # normalized treasury addresses whose proof passed

    @property
    def chain(self) -> str:
        return self.deployment.chain

    def held_out(self, treasuries: set[str]) -> tuple[int, int, int] | None:
        """(subtracted as treasury, subtracted as burned, treasury not subtracted)."""
        if self.read is None:
            return None
        kept = burned = unproven = 0
        for address, balance in self.read.held:
            key = address.lower()
            if key not in treasuries:
                burned += balance
            elif key in self.proven:
                kept += balance
            else:
                unproven += balance
        return kept, burned, unproven

    def outstanding(self, treasuries: set[str]) -> int | None:
        """Token base units in circulation on this chain."""
        parts = self.held_out(treasuries)
        if parts is None or self.read is None:
            return None
        return self.read.total_supply - parts[0] - parts[1]


@dataclass(frozen=True)
class Assessed:
    asset: ReserveAsset
    eligible: bool
    reason: str  # why it does not count; "" when it does
    days: int | None  # days from the snapshot's date to its maturity


@dataclass(frozen=True)
class StablecoinReconciliation:
    attestation: StablecoinAttestation
    policy: Policy
    chains: list[ChainSupply]
    outstanding: Quantity  # minor units of the peg currency
    assets: list[Assessed]
    eligible_total: int
    checks: list[Check]

    @property
    def minor_digits(self) -> int:
        return minor_digits(self.attestation.token.peg_currency)


def minor_digits(currency: str) -> int:
    """Decimal places of the currency's minor unit (JPY 0, USD 2), from CLDR via Babel."""
    return int(get_currency_precision(currency))


def stablecoin_rule(policy: Policy) -> StablecoinReserves | None:
    return next((r for r in policy.rules if isinstance(r, StablecoinReserves)), None)


def treasury_keys(att: StablecoinAttestation) -> dict[str, set[str]]:
    """Per chain, the treasuries' addresses in lower case."""
    out: dict[str, set[str]] = {d.chain: set() for d in att.token.deployments}
    for t in att.treasuries:
        out[t.chain].add(t.address.lower())
    return out


def reconcile_stablecoin(
    att: StablecoinAttestation,
    policy: Policy,
    chains: Sequence[ChainSupply],
    before: Sequence[Check],
) -> StablecoinReconciliation:
    """`before`: the chains' reads and the treasuries' proofs, decided by the run."""
    rule = stablecoin_rule(policy)
    if rule is None:
        raise ValueError(f"{policy.id} has no stablecoin-reserves rule")  # the CLI refuses it
    digits = minor_digits(att.token.peg_currency)
    keys = treasury_keys(att)
    per_chain: list[Quantity] = []
    for c in chains:
        units = c.outstanding(keys[c.chain])
        if units is None:
            per_chain.append(Unknown(N_("{chain} was not read").format(chain=c.chain)))
        else:
            per_chain.append(Fraction(units * 10**digits, 10**c.deployment.decimals))
    outstanding = total(per_chain)
    day = att.snapshot.time.date()
    terms = rule.terms_for(att.issuer_type)
    assets = [_assess(a, terms, att, day) for a in att.reserves]
    eligible = sum(x.asset.amount for x in assets if x.eligible)
    parts = [
        _currency_check(att, policy.id, rule),
        *_policy_parts(att, rule, terms, assets, outstanding, eligible, day),
    ]
    checks = [
        *before,
        AllOf(
            f"policy.{policy.id}",
            parts,
            N_("Every rule of {title} ({status}).").format(
                title=policy.title, status=policy.status
            ),
        ),
    ]
    return StablecoinReconciliation(
        att, policy, list(chains), outstanding, assets, eligible, checks
    )


def _assess(
    a: ReserveAsset, terms: ReserveTerms | None, att: StablecoinAttestation, day: date
) -> Assessed:
    days = None if a.maturity is None else (a.maturity - day).days
    peg = att.token.peg_currency
    if terms is None:
        reason = N_("the policy has no terms for issuer type {type}").format(type=att.issuer_type)
        return Assessed(a, False, reason, days)
    reason = ""
    limit = {
        "government_bill": terms.max_bill_days,
        "repo": terms.max_repo_days,
        "time_deposit": terms.max_deposit_days,
    }.get(a.category)
    if a.currency != peg:
        reason = N_("in {currency}, the token is pegged to {peg}").format(
            currency=a.currency, peg=peg
        )
    elif a.category not in terms.eligible:
        reason = N_("{category} is not an eligible reserve asset").format(category=a.category)
    elif days is not None and days < 0:
        reason = N_("matured on {maturity}, before the snapshot").format(maturity=a.maturity)
    elif days is not None and limit is not None and days > limit:
        reason = N_("{days} days to maturity at the snapshot, more than {limit}").format(
            days=days, limit=limit
        )
    elif a.collateral is not None and a.collateral not in terms.repo_collateral:
        reason = N_("a repo backed by {collateral}, which does not count").format(
            collateral=a.collateral
        )
    return Assessed(a, not reason, reason, days)


def _policy_parts(
    att: StablecoinAttestation,
    rule: StablecoinReserves,
    terms: ReserveTerms | None,
    assets: list[Assessed],
    outstanding: Quantity,
    eligible: int,
    day: date,
) -> list[Check]:
    peg = att.token.peg_currency
    digits = minor_digits(peg)

    def money(q: Fraction | int) -> str:
        return show.money(peg)(Fraction(q, 10**digits))

    left_out = [
        {"reserve": i, "type": x.asset.type, "amount": money(x.asset.amount), "reason": x.reason}
        for i, x in enumerate(assets)
        if not x.eligible
    ]
    parts: list[Check] = [
        _terms_check(att, terms),
        AtLeast(
            "reserves.coverage",
            N_(
                "Eligible reserves in {currency} >= {ratio} x the outstanding supply (each "
                "chain's totalSupply less proven treasuries and burn addresses, 1 token = 1 "
                "{currency}); ineligible assets excluded and named."
            ).format(currency=peg, ratio=show.decimal(rule.min_ratio)),
            eligible,
            outstanding if isinstance(outstanding, Unknown) else rule.min_ratio * outstanding,
            money,
            evidence={"excluded": left_out},
        ),
        _dates_check(att, rule.max_age_days, day),
    ]
    for bound in terms.shares if terms is not None else []:
        held = sum(x.asset.amount for x in assets if x.eligible and x.asset.category in bound.of)
        kinds = ", ".join(bound.of)
        for edge, share in (("min", bound.min), ("max", bound.max)):
            if share is None:
                continue
            required = outstanding if isinstance(outstanding, Unknown) else share * outstanding
            method = N_(
                "Eligible reserves in {kinds}: {relation} {share} of the outstanding supply."
            ).format(kinds=kinds, relation=">=" if edge == "min" else "<=", share=show.share(share))
            compare = AtLeast if edge == "min" else AtMost
            parts.append(
                compare(f"reserves.share.{bound.name}.{edge}", method, held, required, money)
            )
    return parts


def _currency_check(att: StablecoinAttestation, policy: str, rule: StablecoinReserves) -> Check:
    """A fail, not an inconclusive: that the token is outside the policy's scope is a
    fact read from the attestation, not something that could not be checked."""
    peg = att.token.peg_currency
    covered = N_("any currency") if rule.peg_currencies == "any" else ", ".join(rule.peg_currencies)
    ok = rule.covers(peg)
    result = CheckResult(
        id="policy.currency",
        status=Status.PASS if ok else Status.FAIL,
        reason=""
        if ok
        else N_("{policy} covers tokens pegged to {covered}; this token is pegged to {peg}").format(
            policy=policy, covered=covered, peg=peg
        ),
        expected=covered,
        actual=peg,
    )
    return Given(
        result,
        N_(
            "The token is pegged to a currency the policy covers (expected: the currencies "
            "of its scope, or any; actual: the token's peg currency)."
        ),
    )


def _terms_check(att: StablecoinAttestation, terms: ReserveTerms | None) -> Check:
    ok = terms is not None
    result = CheckResult(
        id="reserves.terms",
        status=Status.PASS if ok else Status.FAIL,
        reason=""
        if ok
        else N_("the policy has no terms for issuer type {type}").format(type=att.issuer_type),
        actual=att.issuer_type,
    )
    return Given(result, N_("The policy has reserve terms for the issuer's type."))


def _dates_check(att: StablecoinAttestation, max_age: int, day: date) -> Check:
    stale = [
        N_("reserves[{index}] as of {as_of}, {days} days before the snapshot").format(
            index=i, as_of=a.as_of, days=(day - a.as_of).days
        )
        for i, a in enumerate(att.reserves)
        if (day - a.as_of).days > max_age
    ]
    result = CheckResult(
        id="reserves.dates",
        status=Status.FAIL if stale else Status.PASS,
        reason="; ".join(stale),
        # in days before the snapshot: the policy's limit, and the oldest figure's age
        expected=f"<= {max_age}",
        actual=str(max((day - a.as_of).days for a in att.reserves)),
    )
    return Given(
        result,
        N_(
            "Each reserve asset's figure is as of a date at most the policy's number of days "
            "before the snapshot's date (expected: that limit; actual: the oldest figure's "
            "age, in days)."
        ),
    )
