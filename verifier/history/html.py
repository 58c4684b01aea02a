"""One exchange's history as a self-contained HTML page, like the report's: inline
CSS, charts as inline SVG, no script and nothing fetched. It holds the charts over
time (coverage per asset, cold share, reserves against requirement, and the window's
minimum coverage once reports carry it), the figures of every report, and what got
worse from one report to the next."""

from collections.abc import Iterable, Sequence
from html import escape

from verifier.history.analysis import Regression
from verifier.history.model import ABSENT, Entry
from verifier.report.html_report import CSS


def _e(value: object) -> str:
    return ABSENT if value is None else escape(str(value))


def _table(head: Sequence[str], rows: Iterable[Sequence[object]], numeric: set[int]) -> str:
    """A table of text from the reports, escaped; the columns in `numeric` right-aligned."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='num'>{_e(v)}</td>" if i in numeric else f"<td>{_e(v)}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def render_history_html(
    exchange: str, entries: Sequence[Entry], found: Sequence[Regression]
) -> str:
    # Imported here, as the report's HTML does: matplotlib is slow to import and only
    # this output needs it.
    from verifier.history import charts

    svgs = charts.asset_charts(entries)
    reserve_chart = charts.reserves_svg(entries)
    if reserve_chart is not None:
        svgs.append(reserve_chart)
    figures = "".join(f"<figure>{s}</figure>" for s in svgs)
    window_note = (
        ""
        if any(a.window_min_coverage is not None for e in entries for a in e.assets)
        else "<p>No report carries the window of blocks around its snapshot: the window "
        "minimum coverage is shown as '-'.</p>"
    )
    flags = (
        f"<h2>What got worse ({len(found)})</h2>"
        + _table(
            ("from", "to", "flag", "what", "before", "after"),
            (
                (r.earlier.name, r.later.name, r.kind.value, r.subject, r.before, r.after)
                for r in found
            ),
            {4, 5},
        )
        if found
        else "<h2>What got worse</h2><p class='pass'>Nothing, from one report to the next.</p>"
    )
    per_asset = _table(
        (
            "report",
            "snapshot time",
            "verdict",
            "asset",
            "coverage",
            "cold share",
            "window min coverage",
        ),
        (
            (
                e.name,
                e.snapshot_time.isoformat(),
                e.verdict,
                a.symbol,
                a.coverage,
                a.cold_share,
                a.window_min_coverage,
            )
            for e in entries
            for a in e.assets
        ),
        {4, 5, 6},
    )
    reserves = [(e, r) for e in entries for r in e.reserves]
    reserve_table = (
        "<h2>Reserves against requirement</h2>"
        + _table(
            ("report", "check", "required", "available", "currency"),
            ((e.name, r.check, r.required, r.available, e.reporting_currency) for e, r in reserves),
            {2, 3},
        )
        if reserves
        else ""
    )
    name = _e(entries[-1].exchange_name)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Proof-of-reserves history: {name}</title>
<style>{CSS}</style></head><body>
<h1>Proof-of-reserves history</h1>
<p>{name} (<code>{_e(exchange)}</code>): {len(entries)} report(s), oldest first.
Coverage = verified customer holdings / customer liabilities; falls are compared
exactly from base units.</p>
{flags}
<div class="charts">{figures}</div>{window_note}
<h2>Per asset</h2>
{per_asset}
{reserve_table}
</body></html>
"""
