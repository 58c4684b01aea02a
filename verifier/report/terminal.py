"""The report for a terminal: a summary table and one verdict line, as rich renderables
(the CLI prints them; nothing here prints)."""

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from verifier.models.check import Status
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
    return root.id.startswith("policy.") and c.depth <= 2


def _text(value: object) -> str:
    return "" if value is None else str(value)


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
                Text("  " * c.depth + c.id),
                Text(c.status.value, style=STYLE[c.status]),
                Text(_text(c.expected)),
                Text(_text(c.actual)),
                Text(c.reason),
            )
    cur = report.reporting_currency
    assets = Table(title=f"Per asset (whole units; values in {cur})")
    for col in ("asset", "liabilities", "held (verified)", "coverage", "surplus", "value", "cold"):
        assets.add_column(col, justify="right" if col != "asset" else "left")
    for a in report.assets:
        cells = [a.symbol, a.liabilities, a.customer_total or "unknown"]
        cells += [x or "-" for x in (a.coverage, a.surplus, a.surplus_value, a.cold_share)]
        assets.add_row(*(Text(x) for x in cells))
    parts: list[RenderableType] = [
        Text(
            f"{report.exchange.name} ({report.exchange.id}), snapshot {report.snapshot.id} at "
            f"{report.snapshot.time.isoformat()}; policy {report.policy.id} "
            f"({report.policy.status})"
        ),
        assets,
        checks,
    ]
    if report.policy.assumptions:
        parts.append(Text("Assumptions of the policy:", style="bold"))
        parts += [Text(f"  - {a}") for a in report.policy.assumptions]
    parts.append(verdict_line(report))
    return Group(*parts)


def verdict_line(report: Report) -> Text:
    counts = {s: sum(c.status is s for c in report.checks) for s in Status}
    tally = ", ".join(f"{n} {s.value}" for s, n in counts.items())
    return Text(
        f"VERDICT: {report.verdict.value.upper()} under {report.policy.id} ({tally})",
        style=STYLE[report.verdict],
    )
