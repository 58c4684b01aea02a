"""One exchange's history as a self-contained HTML page, like the report's: inline
CSS, charts as inline SVG, no script and nothing fetched. It holds the charts over
time (coverage per asset, cold share, reserves against requirement, and the window's
minimum coverage once reports carry it), the figures of every report, and what got
worse from one report to the next."""

from collections.abc import Sequence
from html import escape

from verifier.history.analysis import Regression
from verifier.history.model import ABSENT, Entry
from verifier.report.html_report import CSS


def _e(value: object) -> str:
    return ABSENT if value is None else escape(str(value))


def _rows(entries: Sequence[Entry]) -> str:
    return "".join(
        f"<tr><td>{_e(e.name)}</td><td>{_e(e.snapshot_time.isoformat())}</td>"
        f"<td>{_e(e.verdict)}</td><td>{_e(a.symbol)}</td><td class='num'>{_e(a.coverage)}</td>"
        f"<td class='num'>{_e(a.cold_share)}</td><td class='num'>{_e(a.window_min_coverage)}</td></tr>"
        for e in entries
        for a in e.assets
    )


def _reserve_rows(entries: Sequence[Entry]) -> str:
    return "".join(
        f"<tr><td>{_e(e.name)}</td><td class='mono'>{_e(r.check)}</td>"
        f"<td class='num'>{_e(r.required)}</td><td class='num'>{_e(r.available)}</td>"
        f"<td>{_e(e.reporting_currency)}</td></tr>"
        for e in entries
        for r in e.reserves
    )


def _flag_rows(found: Sequence[Regression]) -> str:
    return "".join(
        f"<tr><td>{_e(r.earlier.name)}</td><td>{_e(r.later.name)}</td>"
        f"<td class='fail'>{_e(r.kind.value)}</td><td class='mono'>{_e(r.subject)}</td>"
        f"<td class='num'>{_e(r.before)}</td><td class='num'>{_e(r.after)}</td></tr>"
        for r in found
    )


def render_history_html(
    exchange: str, entries: Sequence[Entry], found: Sequence[Regression]
) -> str:
    # Imported here, as the report's HTML does: matplotlib is slow to import and only
    # this output needs it.
    from verifier.history import charts

    svgs = [charts.coverage_svg(entries), charts.cold_share_svg(entries)]
    svgs += [s for s in (charts.reserves_svg(entries), charts.window_svg(entries)) if s is not None]
    figures = "".join(f"<figure>{s}</figure>" for s in svgs)
    window_note = (
        ""
        if any(a.window_min_coverage is not None for e in entries for a in e.assets)
        else "<p>No report carries the window of blocks around its snapshot: the window "
        "minimum coverage is shown as '-'.</p>"
    )
    flags = (
        f"<h2>What got worse ({len(found)})</h2><table><tr><th>from</th><th>to</th>"
        f"<th>flag</th><th>what</th><th>before</th><th>after</th></tr>{_flag_rows(found)}</table>"
        if found
        else "<h2>What got worse</h2><p class='pass'>Nothing, from one report to the next.</p>"
    )
    reserves = _reserve_rows(entries)
    reserve_table = (
        f"<h2>Reserves against requirement</h2><table><tr><th>report</th><th>check</th>"
        f"<th>required</th><th>available</th><th>currency</th></tr>{reserves}</table>"
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
<table><tr><th>report</th><th>snapshot time</th><th>verdict</th><th>asset</th><th>coverage</th>
<th>cold share</th><th>window min coverage</th></tr>{_rows(entries)}</table>
{reserve_table}
</body></html>
"""
