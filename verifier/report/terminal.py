"""The report for a terminal: a summary table and one verdict line, as rich renderables
(the CLI prints them; nothing here prints).

Every text that came from an input file (exchange name, ids, symbols, reasons that
quote a file) goes through `printable`, and only as rich `Text`, never as markup: a
newline or an escape sequence in an exchange's name cannot draw a line of its own,
such as a forged verdict. The verdict is the last line."""

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from verifier.models.check import Status
from verifier.report.escape import printable
from verifier.report.model import Report, ReportCheck

STYLE = {Status.PASS: "green", Status.FAIL: "bold red", Status.INCONCLUSIVE: "yellow"}


def _shown(c: ReportCheck, by_id: dict[str, ReportCheck]) -> bool:
    """Every check that did not pass; of the passes, the groups and the policy's rules
    with their per-asset parts, not each wallet's routine pass."""
    if c.status is not Status.PASS or c.depth == 0:
        return True
    root = c
    while root.parent is not None:
        root = by_id[root.parent]
    return root.id.startswith(("policy.", "window.")) and c.depth <= 2


def _text(value: object) -> Text:
    return Text("" if value is None else printable(str(value)))


def render_terminal(report: Report) -> RenderableType:
    by_id = {c.id: c for c in report.checks}
    checks = Table(title=f"Checks ({len(report.checks)}; passing details folded)", expand=False)
    checks.add_column("check", overflow="fold", min_width=20)
    checks.add_column("status", no_wrap=True)
    for col in ("expected", "actual", "reason"):
        checks.add_column(col, overflow="fold", min_width=10)
    for c in report.checks:
        if _shown(c, by_id):
            checks.add_row(
                _text("  " * c.depth + c.id),
                Text(c.status.value, style=STYLE[c.status]),
                _text(c.expected),
                _text(c.actual),
                _text(c.reason),
            )
    cur = report.reporting_currency
    assets = Table(title=f"Per asset (whole units; values in {cur})")
    # wide enough for "  on evm:ethereum", the row of one chain's part of an asset
    assets.add_column("asset", overflow="fold", min_width=17)
    for col in ("liabilities", "held (verified)", "coverage", "surplus", "value", "cold"):
        assets.add_column(col, justify="right")
    mapped: list[RenderableType] = []
    for a in report.assets:
        cells = [a.symbol, a.liabilities, a.customer_total or "unknown"]
        cells += [x or "-" for x in (a.coverage, a.surplus, a.surplus_value, a.cold_share)]
        assets.add_row(*(_text(x) for x in cells))
        for on in a.chains if a.split else []:
            # each chain's part of the holdings; what was read there, below the table
            # when a token counts as the asset by the attestation's mapping
            assets.add_row(_text(f"  on {on.chain}"), "", _text(on.customer_total or "unknown"))
            if on.mapped:
                mapped.append(_text(f"{a.symbol} on {on.chain}: {'; '.join(on.held_as)}"))
    window: list[RenderableType] = []
    if report.window is not None:
        table = Table(title=f"Across the window ({report.window.spec}; whole units)")
        table.add_column("asset", overflow="fold")
        for col in ("at snapshot", "minimum", "median", "maximum", "min cover", "in", "out"):
            table.add_column(col, justify="right")
        for w in report.window.assets:
            figures = (w.at_snapshot, w.minimum, w.median, w.maximum, w.min_coverage)
            flows = (w.inflow_before, w.outflow_after)
            table.add_row(*(_text(x or "unknown") for x in (w.symbol, *figures, *flows)))
        window.append(table)
    parts: list[RenderableType] = [
        _text(
            f"{report.exchange.name} ({report.exchange.id}), snapshot {report.snapshot.id} at "
            f"{report.snapshot.time.isoformat()}; policy {report.policy.id} "
            f"({report.policy.status})"
        ),
        assets,
        *mapped,
        *window,
        checks,
    ]
    if report.policy.figures:
        parts.append(Text("Figures of the policy (law, guidance, proposal or assumption):"))
        parts += [
            _text(f"  - {f.rule}.{f.field} = {f.value}: {f.status.upper()}")
            for f in report.policy.figures
        ]
    if report.policy.assumptions:
        parts.append(Text("Assumptions of the policy:", style="bold"))
        parts += [_text(f"  - {a}") for a in report.policy.assumptions]
    if report.policy.not_checked:
        parts.append(Text("Required by the regime, not checked at a snapshot:", style="bold"))
        parts += [_text(f"  - {a}") for a in report.policy.not_checked]
    parts.append(verdict_line(report))
    return Group(*parts)


def verdict_line(report: Report) -> Text:
    counts = {s: sum(c.status is s for c in report.checks) for s in Status}
    tally = ", ".join(f"{n} {s.value}" for s, n in counts.items())
    return Text(
        f"VERDICT: {report.verdict.value.upper()} under {printable(report.policy.id)} ({tally})",
        style=STYLE[report.verdict],
    )
