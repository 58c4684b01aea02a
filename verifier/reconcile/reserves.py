"""Reserve requirements and what counts against them, in the reporting currency.

Each regime sizes a reserve differently (the requirement functions below) but counts
it the same way: cash held at the places the policy names, plus insurance on the
policy's terms (in force at the snapshot, covering the named perils, long enough,
with enough notice), capped at a share of the requirement where the policy says so.
"""

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from verifier.i18n import N_
from verifier.models.attestation import Attestation, InsurancePolicy
from verifier.models.numbers import format_decimal
from verifier.reconcile.calendar import add_years
from verifier.reconcile.holdings import Position, Prices
from verifier.reconcile.observations import Unknown
from verifier.reconcile.policy import (
    Compensation,
    Counting,
    HotReserve,
    LiabilityReserve,
    OwnFunds,
    ReserveRule,
)
from verifier.reconcile.quantity import Quantity, largest, merge, product, total


@dataclass(frozen=True)
class Valued:
    """Customer holdings by value across assets, in the reporting currency."""

    cold: Quantity
    hot: Quantity

    @classmethod
    def of(cls, positions: list[Position], prices: Prices) -> "Valued":
        return cls(
            cold=total(prices.value(p.customer_cold, p.asset) for p in positions),
            hot=total(prices.value(p.customer_hot, p.asset) for p in positions),
        )


@dataclass(frozen=True)
class Requirement:
    amount: Quantity
    terms: dict[str, Quantity]  # the named parts the amount is computed from


def requirement(rule: ReserveRule, att: Attestation, valued: Valued, prices: Prices) -> Requirement:
    inputs = att.reserve_inputs
    match rule:
        case LiabilityReserve():
            terms: dict[str, Quantity] = {
                "floor": prices.convert(rule.floor, rule.currency),
                "volume_rate x 12-month trading volume": product(
                    rule.volume_rate, _given(inputs.trading_volume_12m, "trading_volume_12m")
                ),
                f"incident_factor x largest incident loss of the last {rule.incident_years} "
                "fiscal years": product(rule.incident_factor, _largest_loss(att, rule)),
                "cold_rate x customer cold value": product(rule.cold_rate, valued.cold),
            }
            return Requirement(largest(terms.values()), terms)
        case OwnFunds():
            terms = {
                "class minimum": _class_minimum(att, rule, prices),
                "overhead_share x fixed overheads": product(
                    rule.overhead_share, _given(inputs.fixed_overheads, "fixed_overheads")
                ),
            }
            return Requirement(largest(terms.values()), terms)
        case Compensation():
            terms = {
                "cold_share x customer cold value": product(rule.cold_share, valued.cold),
                "hot_share x customer hot value": product(rule.hot_share, valued.hot),
            }
            return Requirement(total(terms.values()), terms)
        case HotReserve():
            terms = {"rate x customer hot value": product(rule.rate, valued.hot)}
            return Requirement(total(terms.values()), terms)


def _given(value: Fraction | None, field: str) -> Quantity:
    if value is None:
        return Unknown(N_("the attestation gives no reserve_inputs.{field}").format(field=field))
    return value


def _largest_loss(att: Attestation, rule: LiabilityReserve) -> Quantity:
    fy = att.reserve_inputs.fiscal_year
    if fy is None:
        return Unknown(
            N_("the attestation gives no reserve_inputs.{field}").format(field="fiscal_year")
        )
    losses: list[Quantity] = []
    for year in range(fy - rule.incident_years, fy):
        loss = att.reserve_inputs.incident_loss(year)
        losses.append(
            Unknown(N_("no incident loss stated for fiscal year {year}").format(year=year))
            if loss is None
            else loss.loss
        )
    return largest(losses)


def _class_minimum(att: Attestation, rule: OwnFunds, prices: Prices) -> Quantity:
    if len(rule.class_minimums) == 1:  # one minimum for every firm: no class to look up
        return prices.convert(rule.class_minimums[0], rule.currency)
    c = att.reserve_inputs.service_class
    if c is None:
        return Unknown(
            N_("the attestation gives no reserve_inputs.{field}").format(field="service_class")
        )
    if c > len(rule.class_minimums):
        return Unknown(f"the policy has no minimum for service class {c}")
    return prices.convert(rule.class_minimums[c - 1], rule.currency)


@dataclass(frozen=True)
class Item:
    """One reserve the attestation declares and whether (and how much of it) counts."""

    what: str
    value: Quantity  # in the reporting currency
    counts: bool
    why: str


@dataclass(frozen=True)
class Counted:
    cash: Quantity
    insurance: Quantity  # after the cap
    items: list[Item]

    @property
    def total(self) -> Quantity:
        return total([self.cash, self.insurance])


def counted(counting: Counting, att: Attestation, required: Quantity, prices: Prices) -> Counted:
    items: list[Item] = []
    for c in att.liability_reserve.cash:
        ok = c.held_at in counting.cash_held_at
        why = f"held at {c.held_at}" + ("" if ok else ", which this policy does not count")
        limit = counting.max_term_months
        if ok and limit is not None and c.term_months is not None and c.term_months > limit:
            ok, why = False, f"a deposit for {c.term_months} months; at most {limit} count"
        what = f"cash {format_decimal(c.amount)} {c.currency} at {c.holder}"
        items.append(Item(what, prices.convert(c.amount, c.currency), ok, why))
    cash = total(i.value for i in items if i.counts)
    insured: list[Item] = []
    for p in att.liability_reserve.insurance:
        fault = _insurance_fault(p, counting, att.snapshot.time)
        net = max(p.cover.amount - p.deductible, Fraction(0))
        what = (
            f"insurance by {p.insurer}, cover {format_decimal(p.cover.amount)} {p.cover.currency}"
        )
        insured.append(
            Item(
                what,
                prices.convert(net, p.cover.currency),
                fault is None,
                fault or "counts, net of its deductible",
            )
        )
    items += insured
    insurance = total(i.value for i in insured if i.counts)
    terms = counting.insurance
    if terms is not None and terms.cap_share is not None and insured:
        cap = product(terms.cap_share, required)
        if isinstance(insurance, Unknown) or isinstance(cap, Unknown):
            insurance = merge(*(q for q in (insurance, cap) if isinstance(q, Unknown)))
        else:
            insurance = min(insurance, cap)
    return Counted(cash=cash, insurance=insurance, items=items)


def _insurance_fault(p: InsurancePolicy, counting: Counting, at: datetime) -> str | None:
    """Why the policy does not count, or None if it does."""
    terms = counting.insurance
    if terms is None:
        return "this policy does not count insurance"
    if not p.period_start <= at < p.period_end:
        return "not in force at the snapshot"
    missing = [x for x in terms.perils if x not in p.perils]
    if missing:
        return f"does not cover {', '.join(missing)}"
    if add_years(p.period_start, terms.min_term_years) > p.period_end:
        return f"its term is shorter than {terms.min_term_years} year(s)"
    if p.cancellation_notice_days < terms.min_notice_days:
        return f"cancellation notice {p.cancellation_notice_days} days < {terms.min_notice_days}"
    return None
