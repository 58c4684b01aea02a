"""The history for a terminal, as rich renderables (the CLI prints them).

Every text that came from a report (exchange, snapshot ids, symbols, addresses) goes
through `printable` and only as rich `Text`, never markup, as in the report's own
terminal output; the summary line is the last line."""

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from verifier.history.analysis import Overlap, Regression
from verifier.history.model import ABSENT, Entry
from verifier.report.escape import printable


def _text(value: object) -> Text:
    return Text(ABSENT if value is None else printable(str(value)))


def _trend(entries: Sequence[Entry]) -> Table:
    table = Table(title="Per asset, oldest report first (ratios as the reports state them)")
    for col in ("report", "time", "verdict", "asset", "coverage", "cold share", "window min"):
        table.add_column(
            col, justify="right" if col in ("coverage", "cold share") else "left", overflow="fold"
        )
    for e in entries:
        for i, a in enumerate(e.assets):
            head = [e.name, e.snapshot_time.isoformat(), e.verdict] if i == 0 else ["", "", ""]
            table.add_row(
                *(_text(x) for x in head),
                _text(a.symbol),
                _text(a.coverage),
                _text(a.cold_share),
                _text(a.window_min_coverage),
            )
    return table


def _reserves(entries: Sequence[Entry]) -> Table | None:
    if not any(e.reserves for e in entries):
        return None
    table = Table(title="Reserves against requirement")
    for col in ("report", "check", "required", "available", "currency"):
        table.add_column(col, justify="right" if col in ("required", "available") else "left")
    for e in entries:
        for r in e.reserves:
            cells = (e.name, r.check, r.required, r.available, e.reporting_currency)
            table.add_row(*(_text(x) for x in cells))
    return table


def _regressions(found: Sequence[Regression]) -> Table:
    table = Table(title="What got worse from one report to the next")
    for col in ("from", "to", "flag", "what", "before", "after"):
        table.add_column(col, overflow="fold")
    for r in found:
        cells = (r.earlier.name, r.later.name, r.kind.value, r.subject, r.before, r.after)
        table.add_row(*(_text(x) for x in cells))
    return table


def render_history(
    exchange: str, entries: Sequence[Entry], found: Sequence[Regression]
) -> RenderableType:
    """The trend of one exchange's reports and what got worse; the last line sums up."""
    parts: list[RenderableType] = [_trend(entries)]
    reserves = _reserves(entries)
    if reserves is not None:
        parts.append(reserves)
    if found:
        parts.append(_regressions(found))
    parts.append(summary(exchange, len(entries), len(found)))
    return Group(*parts)


def summary(exchange: str, reports: int, flags: int) -> Text:
    who = f"{reports} report{'s' if reports != 1 else ''} of {printable(exchange)}"
    if flags:
        return Text(
            f"WORSE: {flags} flag{'s' if flags != 1 else ''} across {who}", style="bold red"
        )
    return Text(f"NOTHING WORSE across {who}", style="green")


def render_overlaps(found: Sequence[Overlap], reports: int) -> RenderableType:
    """Addresses claimed by two exchanges, each with both reports named."""
    parts: list[RenderableType] = []
    if found:
        table = Table(title="Addresses claimed by two exchanges (the same coins counted twice)")
        for col in ("chain", "address", "claimed in", "and in"):
            table.add_column(col, overflow="fold")
        for o in found:
            first = f"{o.first.name} [{o.first_reports} report(s)]"
            second = f"{o.second.name} [{o.second_reports} report(s)]"
            table.add_row(*(_text(x) for x in (o.chain, o.address, first, second)))
        parts.append(table)
        line = Text(
            f"OVERLAPS: {len(found)} address claim(s) shared between exchanges across "
            f"{reports} stored reports",
            style="bold red",
        )
    else:
        line = Text(f"NO OVERLAPS across {reports} stored reports", style="green")
    parts.append(line)
    return Group(*parts)
