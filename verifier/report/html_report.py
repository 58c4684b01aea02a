"""The report as one self-contained HTML file: inline CSS, charts as inline SVG, no
script and nothing fetched, so it opens the same offline and can be archived as is.
It carries the statements an auditor's report needs: snapshot, scope, policy and its
assumptions, per-asset ratios, every check with its method, and the limitations."""

import json
from html import escape

from verifier.models.check import Status
from verifier.report.model import ChainLine, Report, ReportCheck

CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#222;padding:0 1rem}
h1{margin-bottom:.2rem}table{border-collapse:collapse;margin:.6rem 0 1.2rem;width:100%}
th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;vertical-align:top;
font-size:.9rem}th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}
.pass{color:#1b5e20}.fail{color:#b71c1c;font-weight:bold}.inconclusive{color:#e65100}
.verdict{font-size:1.4rem;padding:.5rem .8rem;border:2px solid currentColor;display:inline-block}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts svg{max-width:100%;height:auto}
details pre{white-space:pre-wrap;font-size:.8rem}
table.checks td{word-break:break-word}table.checks td:first-child{min-width:16rem}
"""


def _e(value: object) -> str:
    return "" if value is None else escape(str(value))


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def _status(s: Status) -> str:
    return f'<span class="{s.value}">{s.value}</span>'


def _check_row(c: ReportCheck) -> str:
    evidence = ""
    if c.evidence is not None:
        text = json.dumps(c.evidence, indent=1, default=str)
        evidence = f"<details><summary>evidence</summary><pre>{_e(text)}</pre></details>"
    pad = c.depth * 1.2
    return (
        f'<tr><td class="mono" style="padding-left:{pad + 0.45:.2f}rem">{_e(c.id)}</td>'
        f"<td>{_status(c.status)}</td><td>{_e(c.expected)}</td><td>{_e(c.actual)}</td>"
        f"<td>{_e(c.reason)}{evidence}</td><td>{_e(c.method)}</td></tr>"
    )


def _chain_row(c: ChainLine) -> str:
    """One chain's part of an asset held on several chains (or through a mapped token)."""
    return (
        f"<tr class='part'><td>&nbsp;&nbsp;on {_e(c.chain)}</td><td></td><td></td>"
        f"<td class='num'>{_e(c.customer_cold)}</td><td class='num'>{_e(c.customer_hot)}</td>"
        f"<td class='num'>{_e(c.customer_total)}</td>"
        f"<td colspan='4'>{_e('; '.join(c.held_as))}</td>"
        f"<td class='num'>{_e(c.own_cold)}</td><td class='num'>{_e(c.own_hot)}</td></tr>"
    )


def _window_section(report: Report) -> str:
    """The window table and one chart per asset: were the reserves there across the
    blocks around the snapshot, not only at it?"""
    from verifier.report import charts

    w = report.window
    if w is None:
        return ""
    rows = "".join(
        f"<tr><td>{_e(a.symbol)}</td><td class='num'>{_e(a.liabilities)}</td>"
        f"<td class='num'>{_e(a.at_snapshot) or 'unknown'}</td>"
        + "".join(
            f"<td class='num'>{_e(x) or 'unknown'}</td>"
            for x in (a.minimum, a.median, a.maximum, a.min_coverage)
        )
        + f"<td class='num'>{_e(a.inflow_before) or 'unknown'}</td>"
        f"<td class='num'>{_e(a.outflow_after) or 'unknown'}</td></tr>"
        + "".join(
            f"<tr class='part'><td colspan='9'>&nbsp;&nbsp;on {_e(c.chain)}: "
            + (
                f"blocks {c.first}..{c.last}, {len(c.points)} read, seed <code>{_e(c.seed)}</code>"
                f" ({'given' if c.seed_source == 'given' else 'hash of the last block'})"
                if c.reason is None
                else f"not read: {_e(c.reason)}"
            )
            + "</td></tr>"
            for c in a.chains
        )
        for a in w.assets
    )
    figures = "".join(f"<figure>{charts.window_svg(a, i)}</figure>" for i, a in enumerate(w.assets))
    return (
        f"<h2>Across the window</h2><p>{_e(w.spec)}; sample heights drawn by "
        f"<code>{_e(w.rule)}</code>. Verified customer holdings at every block read, in whole "
        f"units: the lowest must cover {_e(w.min_coverage)} x the liabilities "
        f"(window.coverage), and an inflow before the snapshot and an outflow after it "
        f"may not both exceed {_e(w.max_swing)} x them (window.dressing). Over several "
        "chains the figures are sums of each chain's.</p>"
        "<table><tr><th>asset</th><th>liabilities</th><th>at snapshot</th><th>minimum</th>"
        "<th>median</th><th>maximum</th><th>min coverage</th><th>in before</th>"
        f"<th>out after</th></tr>{rows}</table><div class='charts'>{figures}</div>"
    )


def render_html(report: Report) -> str:
    # Imported here: matplotlib takes about 0.9 s to import, and only this output
    # needs it, not every `por` command that imports the report package.
    from verifier.report import charts

    cur = _e(report.reporting_currency)
    snap = report.snapshot
    chains = "".join(
        f"<tr><td>{_e(p.chain)}</td><td class='num'>{p.height}</td>"
        f"<td class='mono'>{_e(p.block_hash)}</td></tr>"
        for p in snap.chains
    )
    assets = "".join(
        f"<tr><td>{_e(a.symbol)}</td><td class='num'>{_e(a.price)}</td>"
        f"<td class='num'>{_e(a.liabilities)}</td><td class='num'>{_e(a.customer_cold)}</td>"
        f"<td class='num'>{_e(a.customer_hot)}</td><td class='num'>{_e(a.customer_total)}</td>"
        f"<td class='num'>{_e(a.coverage) or 'unknown'}</td><td class='num'>{_e(a.surplus)}</td>"
        f"<td class='num'>{_e(a.surplus_value)}</td><td class='num'>{_e(a.cold_share)}</td>"
        f"<td class='num'>{_e(a.own_cold)}</td><td class='num'>{_e(a.own_hot)}</td></tr>"
        + "".join(_chain_row(c) for c in (a.chains if a.split else []))
        for a in report.assets
    )
    reserves = "".join(
        f"<tr><td class='mono'>{_e(r.check)}</td><td>{_status(r.status)}</td>"
        f"<td class='num'>{_e(r.required) or 'unknown'}</td><td class='num'>{_e(r.cash)}</td>"
        f"<td class='num'>{_e(r.insurance)}</td><td class='num'>{_e(r.available)}</td></tr>"
        for r in report.reserves
    )
    reserve_section = (
        f"<h2>Reserves against requirement</h2><table><tr><th>check</th><th>status</th>"
        f"<th>required ({cur})</th><th>cash counted</th><th>insurance counted</th>"
        f"<th>available</th></tr>{reserves}</table>"
        if report.reserves
        else ""
    )
    svgs = [charts.coverage_svg(report), charts.cold_hot_svg(report)]
    reserve_chart = charts.reserves_svg(report)
    if reserve_chart is not None:
        svgs.append(reserve_chart)
    figures = "".join(f"<figure>{s}</figure>" for s in svgs)
    window = _window_section(report)
    pol = report.policy
    assumptions = (
        f"<h3>Assumptions of this policy (stated in every report)</h3>{_list(pol.assumptions)}"
        if pol.assumptions
        else ""
    )
    not_checked = (
        f"<h3>Required by the regime, not checked at a snapshot</h3>{_list(pol.not_checked)}"
        if pol.not_checked
        else ""
    )
    marked = "".join(
        f"<tr><td><code>{_e(f.rule)}.{_e(f.field)}</code></td><td>{_e(f.value)}</td>"
        f'<td class="{f.status}">{f.status}</td><td>{_e(f.source)}</td></tr>'
        for f in pol.figures
    )
    marked = (
        "<h3>Figures: law, guidance, proposal or assumption</h3><table><tr><th>figure</th>"
        f"<th>value</th><th>status</th><th>source</th></tr>{marked}</table>"
        if marked
        else ""
    )
    claimed = (
        ""
        if pol.claimed == pol.id
        else f"<p>The attestation claims <b>{_e(pol.claimed)}</b>; this report applies "
        f"<b>{_e(pol.id)}</b>.</p>"
    )
    checks = "".join(_check_row(c) for c in report.checks)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Proof-of-reserves report: {_e(report.exchange.name)} {_e(snap.id)}</title>
<style>{CSS}</style></head><body>
<h1>Proof-of-reserves verification report</h1>
<p>{_e(report.exchange.name)} (<code>{_e(report.exchange.id)}</code>), snapshot
<code>{_e(snap.id)}</code> at {_e(snap.time.isoformat())}</p>
<p class="verdict {report.verdict.value}">Verdict: {report.verdict.value.upper()}</p>
<h2>Snapshot</h2>
<table><tr><th>chain</th><th>height</th><th>block hash</th></tr>{chains}</table>
<p>Liability tree root commitment <code>{_e(snap.liability_root_commitment)}</code>,
{snap.account_count_declared} accounts as declared (the commitment does not bind the count;
<code>por tree audit</code> confirms it from the ledger).</p>
<h2>Scope</h2>{_list(report.scope)}
<h2>Policy: {_e(pol.title)}</h2>
<p><code>{_e(pol.id)}</code>, {_e(pol.status)}; read from {_e(pol.source)}.</p>{claimed}
<h3>Sources</h3>{_list(pol.sources)}{marked}{assumptions}{not_checked}
<h2>Per asset</h2>
<p>Whole units of each asset; prices and values in {cur}. Coverage = verified customer
holdings / customer liabilities; cold share = customer holdings in cold wallets / all
customer holdings; ratios are cut (not rounded) to 6 decimals.</p>
<table><tr><th>asset</th><th>price</th><th>liabilities</th><th>customer cold</th>
<th>customer hot</th><th>customer total</th><th>coverage</th><th>surplus</th>
<th>surplus ({cur})</th><th>cold share</th><th>own cold</th><th>own hot</th></tr>{assets}</table>
{reserve_section}
<div class="charts">{figures}</div>
{window}
<h2>Checks</h2>
<table class="checks"><tr><th>check</th><th>status</th><th>expected</th><th>actual</th><th>reason</th>
<th>method</th></tr>{checks}</table>
<h2>Limitations</h2>{_list(report.limitations)}
<p>Written by {_e(report.tool)}.</p>
</body></html>
"""
