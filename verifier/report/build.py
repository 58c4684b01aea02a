"""A Report from a reconciliation: every check verified once, composites flattened
with their parts after them, the statements of scope and limitation an auditor's
report needs."""

from collections.abc import Sequence
from fractions import Fraction
from importlib.metadata import version

from verifier.i18n import N_
from verifier.models.attestation import Attestation, Wallet
from verifier.models.check import CheckResult, overall
from verifier.models.numbers import format_decimal, format_truncated
from verifier.reconcile.checks import Check, Composite
from verifier.reconcile.holdings import Position, Prices, distinct_wallets, wallet_key
from verifier.reconcile.observations import Observations, Unknown
from verifier.reconcile.policy import Policy, Rule, figure_value
from verifier.reconcile.quantity import Quantity, total
from verifier.reconcile.reconciler import Reconciliation
from verifier.reconcile.rules import ReserveCheck
from verifier.reconcile.show import decimal
from verifier.report.model import (
    AssetLine,
    ChainLine,
    FigureLine,
    PolicyInfo,
    Report,
    ReportCheck,
    ReserveLine,
    SnapshotInfo,
    WalletLine,
    Window,
    WindowChain,
    WindowLine,
    WindowPoint,
)

NO_WINDOW = N_(
    "It says nothing of movements after the snapshot: coins may have left the wallets "
    "after the snapshot blocks (por verify --window reads the blocks around it)."
)
WINDOW_LIMIT = N_(
    "The window reads the wallets at the sampled blocks, its first and last block and the "
    "snapshot only: coins that came and went between two blocks read are not seen."
)
LIMITATIONS = [
    N_("This is not an audit of financial statements and expresses no opinion on them."),
    N_("It cannot see encumbrance: coins pledged, lent or otherwise committed count as held."),
    N_(
        "It cannot see off-chain liabilities (loans, fiat owed, obligations to other parties) "
        "beyond what the attestation states."
    ),
    N_(
        "Liabilities are the accounts the exchange put in its tree; an account left out is "
        "found only by a customer verifying their own inclusion proof."
    ),
    N_(
        "Cash reserves and insurance are as the attestation declares them; they were not "
        "confirmed with the bank, trustee or insurer."
    ),
]


def build_report(
    rec: Reconciliation,
    *,
    balances_source: str,
    prices_source: str,
    scope: list[str] | None = None,
    limitations: list[str] | None = None,
    window_spec: str = "",
) -> Report:
    """`scope` and `limitations`: statements the caller adds (what it checked itself);
    `window_spec`: the window as asked, when one was read."""
    att = rec.attestation
    entries, top, reserves = flatten(rec.checks)
    tree = att.liabilities.tree
    chains = ", ".join(f"{p.chain} #{p.height}" for p in att.snapshot.chains)
    stated = [
        N_(
            "Customer liabilities: the por-mst-v1 tree with root commitment {root} ({count} "
            "accounts as declared: the commitment does not bind the count, `por tree audit` "
            "confirms it), per-asset totals as its root states them."
        ).format(root=tree.root_commitment, count=tree.account_count),
        N_(
            "Reserves: {count} wallet listings on {chains}; balances and ownership results "
            "from {source}."
        ).format(count=len(att.wallets), chains=chains, source=balances_source),
        N_("Prices in {currency}: {source}.").format(
            currency=att.reporting_currency, source=prices_source
        ),
        N_("Policy applied: {policy} ({status}); the attestation claims {claimed}.").format(
            policy=rec.policy.id, status=rec.policy.status, claimed=att.policy
        ),
        *(
            N_(
                "{contract} on {chain}, a {kind} token, counts as {symbol}: the attestation "
                "maps it onto that native asset explicitly."
            ).format(contract=t.contract, chain=t.chain, kind=t.counts_as_native, symbol=t.symbol)
            for t in att.tokens
            if t.counts_as_native is not None
        ),
        *(scope or []),
    ]
    notes = [*LIMITATIONS[:1], NO_WINDOW if rec.window is None else WINDOW_LIMIT, *LIMITATIONS[1:]]
    if att.liabilities.offchain_fiat is not None:
        notes.append(
            N_(
                "The exchange states off-chain fiat liabilities of {amount} {currency}; they "
                "are outside these checks."
            ).format(
                amount=format_decimal(att.liabilities.offchain_fiat),
                currency=att.reporting_currency,
            )
        )
    if rec.other_entities is None:
        notes.append(
            N_(
                "No list of other entities' addresses was given: coins also counted by another "
                "entity would not be noticed."
            )
        )
    notes += limitations or []
    return Report(
        tool=f"por-verifier {version('por-verifier')}",
        exchange=att.exchange,
        reporting_currency=att.reporting_currency,
        snapshot=SnapshotInfo(
            id=att.snapshot.id,
            time=att.snapshot.time,
            chains=att.snapshot.chains,
            liability_root_commitment=tree.root_commitment,
            account_count_declared=tree.account_count,
        ),
        policy=policy_info(rec.policy, att.policy),
        verdict=overall(top),
        scope=stated,
        assets=[_asset_line(att, p, rec.prices) for p in rec.positions],
        reserves=reserves,
        wallets=[_wallet_line(w, rec.observations) for w in distinct_wallets(att)],
        checks=entries,
        limitations=notes,
        window=None if rec.window is None else _window(rec, window_spec),
    )


def flatten(
    checks: Sequence[Check],
) -> tuple[list[ReportCheck], list[CheckResult], list[ReserveLine]]:
    """Every check verified once: the report's entries (composites followed by their
    parts), the top-level results the verdict is of, and the reserve lines."""
    entries: list[ReportCheck] = []
    top: list[CheckResult] = []
    reserves: list[ReserveLine] = []
    for check in checks:
        result = check.verify()
        top.append(result)
        _flatten(check, result, None, 0, entries, reserves)
    return entries, top, reserves


def policy_info(policy: Policy, claimed: str) -> PolicyInfo:
    """The policy applied, as a report states it, beside the one the attestation claims."""
    return PolicyInfo(
        id=policy.id,
        title=policy.title,
        status=policy.status,
        source=policy.source,
        claimed=claimed,
        sources=policy.sources,
        assumptions=policy.assumptions,
        not_checked=policy.not_checked,
        figures=_figures(policy),
    )


def _window(rec: Reconciliation, spec: str) -> Window:
    chains = {w.chain: w for w in rec.window_chains}
    rule = next((w.rule for w in rec.window_chains), "")
    lines = []
    for a in rec.window or []:
        p = a.position
        scale = Fraction(1, 10**p.asset.decimals)

        def whole(q: Quantity, scale: Fraction = scale) -> str | None:
            return None if isinstance(q, Unknown) else decimal(q * scale)

        lines.append(
            WindowLine(
                symbol=p.asset.symbol,
                liabilities=decimal(p.liabilities * scale),
                at_snapshot=whole(p.customer),
                minimum=whole(a.minimum),
                median=whole(a.median),
                maximum=whole(a.maximum),
                min_coverage=_ratio(a.minimum, p.liabilities),
                inflow_before=whole(a.inflow),
                outflow_after=whole(a.outflow),
                chains=[
                    WindowChain(
                        chain=c.chain,
                        snapshot_height=c.snapshot,
                        at_snapshot=whole(c.at_snapshot),
                        first=chains[c.chain].first,
                        last=chains[c.chain].last,
                        seed=chains[c.chain].seed,
                        seed_source=None
                        if chains[c.chain].seed is None
                        else ("given" if chains[c.chain].seed_given else "last-block"),
                        reason=c.reason,
                        points=[
                            WindowPoint(height=h, block_hash=b, customer_total=whole(q))
                            for h, b, q in c.points
                        ],
                    )
                    for c in a.chains
                ],
            )
        )
    return Window(
        spec=spec,
        rule=rule,
        min_coverage=decimal(rec.policy.window_min_coverage),
        max_swing=decimal(rec.policy.window_max_swing),
        assets=lines,
    )


def _flatten(
    check: Check,
    result: CheckResult,
    parent: str | None,
    depth: int,
    out: list[ReportCheck],
    reserves: list[ReserveLine],
) -> None:
    parts: list[CheckResult] = result.evidence["parts"] if isinstance(check, Composite) else []
    out.append(
        ReportCheck(
            id=result.id,
            status=result.status,
            reason=result.reason,
            expected=result.expected,
            actual=result.actual,
            evidence={"parts": [r.id for r in parts]} if parts else result.evidence,
            method=check.method,
            parent=parent,
            depth=depth,
        )
    )
    if isinstance(check, ReserveCheck):
        reserves.append(_reserve_line(check, result))
    if isinstance(check, Composite):
        for part, part_result in zip(check.parts, parts, strict=True):
            _flatten(part, part_result, result.id, depth + 1, out, reserves)


def _text(q: Quantity) -> str | None:
    return None if isinstance(q, Unknown) else decimal(q)


def _reserve_line(check: ReserveCheck, result: CheckResult) -> ReserveLine:
    return ReserveLine(
        check=check.id,
        status=result.status,
        required=_text(check.requirement.amount),
        cash=_text(check.counted.cash),
        insurance=_text(check.counted.insurance),
        available=_text(check.counted.total),
    )


def _wallet_line(w: Wallet, obs: Observations) -> WalletLine:
    o = obs.get(wallet_key(w))
    read = {} if o is None else o.balances
    balances: dict[str, str | None] = {}
    for symbol in w.assets:
        b = read.get(symbol)
        balances[symbol] = None if b is None or isinstance(b, Unknown) else str(b)
    return WalletLine(
        chain=w.chain,
        locator=w.locator,
        role=w.role,
        ownership_class=w.ownership_class,
        balances=balances,
    )


def _ratio(part: Quantity, whole: Quantity) -> str | None:
    if isinstance(part, Unknown) or isinstance(whole, Unknown) or whole == 0:
        return None
    return format_truncated(Fraction(part) / whole, 6)


def _asset_line(att: Attestation, p: Position, prices: Prices) -> AssetLine:
    scale = Fraction(1, 10**p.asset.decimals)

    def whole(q: Quantity) -> str | None:
        return None if isinstance(q, Unknown) else decimal(q * scale)

    customer = p.customer
    surplus = total([customer, -p.liabilities])
    price = prices.price(p.asset.symbol)
    return AssetLine(
        symbol=p.asset.symbol,
        decimals=p.asset.decimals,
        price=_text(price),
        liabilities=decimal(p.liabilities * scale),
        customer_cold=whole(p.customer_cold),
        customer_hot=whole(p.customer_hot),
        customer_total=whole(customer),
        own_cold=whole(p.own_cold),
        own_hot=whole(p.own_hot),
        coverage=_ratio(customer, p.liabilities),
        surplus=whole(surplus),
        surplus_value=_text(prices.value(surplus, p.asset)),
        cold_share=_ratio(p.customer_cold, customer),
        chains=[
            ChainLine(
                chain=c.chain,
                customer_cold=whole(c.customer_cold),
                customer_hot=whole(c.customer_hot),
                customer_total=whole(c.customer),
                own_cold=whole(c.own_cold),
                own_hot=whole(c.own_hot),
                held_as=_held_as(att, c.chain, p.asset.symbol),
                mapped=_mapped(att, c.chain, p.asset.symbol),
            )
            for c in p.chains
        ],
    )


def _mapped(att: Attestation, chain: str, symbol: str) -> bool:
    token = att.counted(chain, symbol).token
    return token is not None and token.counts_as_native is not None


def _held_as(att: Attestation, chain: str, symbol: str) -> list[str]:
    """What counts as `symbol` on `chain`, in words, saying so when a wrapped or bridged
    token counts as a native asset because the attestation maps it."""
    counted = att.counted(chain, symbol)
    out = [N_("native {symbol}").format(symbol=symbol)] if counted.native else []
    t = counted.token
    if t is not None and t.counts_as_native is not None:
        out.append(
            N_(
                "{kind} token {contract}, counted as {symbol} because the attestation maps it "
                "explicitly"
            ).format(kind=t.counts_as_native, contract=t.contract, symbol=symbol)
        )
    elif t is not None:
        out.append(N_("token {contract}").format(contract=t.contract))
    return out or [N_("nothing listed")]


def _figures(policy: Policy) -> list[FigureLine]:
    rules: dict[str, Rule] = {r.kind: r for r in policy.rules}
    return [
        FigureLine(
            rule=f.rule,
            field=f.field,
            value=_figure_text(figure_value(rules[f.rule], f.field)),
            status=f.status,
            source=f.source,
        )
        for f in policy.figures
    ]


def _figure_text(value: object) -> str:
    """A figure as the policy file writes it: decimals exactly, lists joined."""
    if isinstance(value, list):
        return ", ".join(_figure_text(v) for v in value)
    if isinstance(value, Fraction) or (isinstance(value, int) and not isinstance(value, bool)):
        return decimal(value)
    return str(value)
