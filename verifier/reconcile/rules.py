"""A policy's rules turned into checks over the reconciled positions."""

from dataclasses import dataclass
from fractions import Fraction

from verifier.i18n import N_
from verifier.models.attestation import Attestation
from verifier.reconcile import show
from verifier.reconcile.checks import AllOf, AtLeast, AtMost, Check, Show
from verifier.reconcile.holdings import Position, Prices, valuation
from verifier.reconcile.observations import Unknown
from verifier.reconcile.policy import (
    Averaging,
    ColdShare,
    Compensation,
    Coverage,
    HotReserve,
    LiabilityReserve,
    MatchingOwnCrypto,
    OwnFunds,
    Policy,
    Rule,
    StablecoinReserves,
)
from verifier.reconcile.quantity import Quantity, total
from verifier.reconcile.reserves import Counted, Requirement, Valued, counted, requirement


@dataclass(frozen=True)
class Context:
    att: Attestation
    positions: list[Position]
    prices: Prices

    @property
    def currency(self) -> str:
        return self.att.reporting_currency


class ReserveCheck(AtLeast):
    """Counted reserves >= the requirement; keeps both for the report's chart."""

    def __init__(self, id: str, method: str, req: Requirement, got: Counted, ctx: Context) -> None:
        money = show.money(ctx.currency)
        evidence = {
            "requirement": {k: _shown(v, money) for k, v in req.terms.items()},
            "counted": [
                {
                    "reserve": i.what,
                    "value": _shown(i.value, money),
                    "counts": i.counts,
                    "why": i.why,
                }
                for i in got.items
            ],
            "cash": _shown(got.cash, money),
            "insurance": _shown(got.insurance, money),
        }
        super().__init__(id, method, got.total, req.amount, money, evidence)
        self.requirement, self.counted = req, got


def _shown(q: Quantity, fmt: Show) -> str:
    return f"unknown: {q.reason}" if isinstance(q, Unknown) else fmt(q)


def policy_checks(policy: Policy, ctx: Context) -> Check:
    return AllOf(
        f"policy.{policy.id}",
        [rule_check(r, ctx) for r in policy.rules],
        N_("Every rule of {title} ({status}).").format(title=policy.title, status=policy.status),
    )


def rule_check(rule: Rule, ctx: Context) -> Check:
    match rule:
        case Coverage():
            return _coverage(rule, ctx)
        case ColdShare():
            return _cold_share(rule, ctx)
        case MatchingOwnCrypto():
            return _matching(ctx)
        case LiabilityReserve() | OwnFunds() | Compensation() | HotReserve():
            return _reserve(rule, ctx)
        case StablecoinReserves():
            # the CLI refuses a stablecoin policy for an exchange's attestation first
            raise ValueError("a stablecoin-reserves rule checks a stablecoin attestation")


def _coverage(rule: Coverage, ctx: Context) -> Check:
    parts: list[Check] = []
    for p in ctx.positions:
        fmt = show.units(p.asset)
        parts.append(
            AtLeast(
                f"coverage.{p.asset.symbol}",
                N_(
                    "Verified customer holdings of {symbol} (owned wallets, read at the "
                    "snapshot) >= {ratio} x customer liabilities in the tree; no other asset "
                    "offsets a shortfall."
                ).format(symbol=p.asset.symbol, ratio=show.decimal(rule.min_ratio)),
                p.customer,
                rule.min_ratio * p.liabilities,
                fmt,
                evidence={"liabilities": fmt(p.liabilities)},
            )
        )
    return AllOf("coverage", parts, N_("Each asset covered on its own."))


def _share(part: Quantity, whole: Quantity, what: str) -> Quantity:
    if isinstance(part, Unknown) or isinstance(whole, Unknown):
        return total([part, whole])  # unknown, with the reasons
    if whole == 0:
        return Unknown(N_("no verified customer {what} to take a share of").format(what=what))
    return Fraction(part) / whole


def _cold_share(rule: ColdShare, ctx: Context) -> Check:
    cold_side = rule.min_cold is not None
    limit = rule.min_cold if rule.min_cold is not None else rule.max_hot
    assert limit is not None
    word = N_("cold share >= {limit}").format(limit=show.share(limit))
    if not cold_side:
        word = N_("hot share <= {limit}").format(limit=show.share(limit))

    def one(id: str, cold: Quantity, hot: Quantity, fmt: Show, what: str, method: str) -> Check:
        whole = total([cold, hot])
        share = _share(cold if cold_side else hot, whole, what)
        cls = AtLeast if cold_side else AtMost
        assert limit is not None
        evidence = {"cold": _shown(cold, fmt), "hot": _shown(hot, fmt)}
        return cls(id, method, share, limit, show.share, evidence=evidence)

    if rule.basis == "value":
        v = Valued.of(ctx.positions, valuation(ctx.att, ctx.prices, rule.average))
        method = N_(
            "{share} of verified customer crypto, by value in {currency} across all assets "
            "{valued}; hot means any customer wallet not marked cold."
        ).format(share=word, currency=ctx.currency, valued=_valued_at(rule.average))
        money = show.money(ctx.currency)
        return one("cold-share", v.cold, v.hot, money, "crypto", method)
    parts = [
        one(
            f"cold-share.{p.asset.symbol}",
            p.customer_cold,
            p.customer_hot,
            show.units(p.asset),
            p.asset.symbol,
            N_("{share} of the verified customer holdings of {symbol}, in units.").format(
                share=word, symbol=p.asset.symbol
            ),
        )
        for p in ctx.positions
    ]
    return AllOf("cold-share", parts, N_("{share} for each asset on its own.").format(share=word))


def _matching(ctx: Context) -> Check:
    parts: list[Check] = [
        AtLeast(
            f"matching-own-crypto.{p.asset.symbol}",
            N_(
                "The exchange's own {symbol} held in cold wallets >= the customer {symbol} it "
                "holds hot (same kind, same quantity)."
            ).format(symbol=p.asset.symbol),
            p.own_cold,
            p.customer_hot,
            show.units(p.asset),
        )
        for p in ctx.positions
    ]
    return AllOf("matching-own-crypto", parts, N_("Own cold crypto matches customer hot crypto."))


_RESERVE_METHOD = {
    "liability-reserve": N_(
        "Cash reserves and qualifying insurance >= max(floor, volume_rate x 12-month volume, "
        "incident_factor x largest annual incident loss, cold_rate x customer cold value)."
    ),
    "own-funds": N_(
        "Own funds (cash reserves) and qualifying insurance >= max(class minimum, "
        "overhead_share x last year's fixed overheads)."
    ),
    "compensation": N_(
        "Compensation arrangements (funds on trust, bank guarantees, insurance) >= "
        "cold_share x customer cold value + hot_share x customer hot value."
    ),
    "hot-reserve": N_("Reserves and qualifying insurance >= rate x customer hot value."),
}


def _valued_at(average: Averaging | None) -> str:
    if average is None:
        return N_("at the snapshot prices")
    return N_(
        "at the attestation's average prices over {years} year(s), a period ending "
        "at most {days} days before the snapshot (inconclusive without them)"
    ).format(years=average.years, days=average.max_age_days)


def _reserve(rule: LiabilityReserve | OwnFunds | Compensation | HotReserve, ctx: Context) -> Check:
    average = rule.average if isinstance(rule, HotReserve) else None
    valued = Valued.of(ctx.positions, valuation(ctx.att, ctx.prices, average))
    req = requirement(rule, ctx.att, valued, ctx.prices)
    got = counted(rule.counts, ctx.att, req.amount, ctx.prices)
    params = ", ".join(
        f"{k}={v}"
        for k, v in rule.model_dump(mode="json", exclude={"kind", "counts", "average"}).items()
    )
    if average is None:
        method = N_("{method} Parameters: {parameters}.").format(
            method=_RESERVE_METHOD[rule.kind], parameters=params
        )
    else:
        method = N_("{method} Parameters: {parameters}. Customer values {valued}.").format(
            method=_RESERVE_METHOD[rule.kind], parameters=params, valued=_valued_at(average)
        )
    return ReserveCheck(rule.kind, method, req, got, ctx)
