"""The report as one self-contained HTML file: inline CSS, charts as inline SVG, no
script and nothing fetched, so it opens the same offline and can be archived as is.
It carries the statements an auditor's report needs: snapshot, scope, policy and its
assumptions, per-asset ratios, every check with its method, and the limitations, in
English or Japanese.

Figures keep every digit, grouped by thousands; a line may break after a separator
(and, where even one group or a hash is wider than the room, anywhere), so neither a
table nor a list is wider than the page: tests/report/ measure that in Chromium."""

import json
from html import escape

from verifier.i18n import Lang, Translator, translator
from verifier.models.check import Status
from verifier.report.figures import grouped
from verifier.report.model import ChainLine, PolicyInfo, Report, ReportCheck, WindowChain
from verifier.report.names import check_name, figure_status
from verifier.report.terminal import status_word

CSS = """
body{font-family:system-ui,"IPAexGothic",sans-serif;margin:2rem auto;max-width:72rem;color:#222;
padding:0 1rem;overflow-wrap:anywhere}
h1{margin-bottom:.2rem}table{border-collapse:collapse;margin:.6rem 0 1.2rem;width:100%}
th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;vertical-align:top;
font-size:.9rem}th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}
.pass{color:#1b5e20}.fail{color:#b71c1c;font-weight:bold}.inconclusive{color:#e65100}
.verdict{font-size:1.4rem;padding:.5rem .8rem;border:2px solid currentColor;display:inline-block}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts figure{margin:0;max-width:100%}
.charts svg{max-width:100%;height:auto}
details pre{white-space:pre-wrap;font-size:.8rem}
table.checks td:first-child{min-width:10rem}.name{font-weight:600}
"""


def esc(value: object) -> str:
    return "" if value is None else escape(str(value))


def figure(value: str | None) -> str:
    """A figure (or a text with figures) grouped by thousands, free to break after a
    separator."""
    return esc(grouped(value)).replace(",", ",<wbr>")


def bullets(items: list[str], _: Translator) -> str:
    return "<ul>" + "".join(f"<li>{esc(_.text(i))}</li>" for i in items) + "</ul>"


def status_span(s: Status, _: Translator) -> str:
    return f'<span class="{s.value}">{esc(status_word(s, _))}</span>'


def _check_row(c: ReportCheck, _: Translator) -> str:
    evidence = ""
    if c.evidence is not None:
        text = json.dumps(c.evidence, indent=1, default=str)
        summary = esc(_("evidence"))
        evidence = f"<details><summary>{summary}</summary><pre>{esc(text)}</pre></details>"
    pad = c.depth * 1.2
    name = check_name(c.id, _)
    named = "" if name is None else f'<span class="name">{esc(name)}</span><br>'
    expected = None if c.expected is None else _.text(str(c.expected))
    actual = None if c.actual is None else _.text(str(c.actual))
    return (
        f'<tr><td style="padding-left:{pad + 0.45:.2f}rem">{named}<code>{esc(c.id)}</code></td>'
        f"<td>{status_span(c.status, _)}</td><td>{figure(expected)}</td><td>{figure(actual)}</td>"
        f"<td>{figure(_.text(c.reason))}{evidence}</td><td>{esc(_.text(c.method))}</td></tr>"
    )


def _chain_row(c: ChainLine, _: Translator) -> str:
    """One chain's part of an asset held on several chains (or through a mapped token)."""
    held = "; ".join(_.text(h) for h in c.held_as)
    on = esc(_("on {chain}").format(chain=c.chain))
    return (
        f"<tr class='part'><td>&nbsp;&nbsp;{on}</td>"
        f"<td></td><td></td>"
        f"<td class='num'>{figure(c.customer_cold)}</td><td class='num'>{figure(c.customer_hot)}</td>"
        f"<td class='num'>{figure(c.customer_total)}</td>"
        f"<td colspan='4'>{esc(held)}</td>"
        f"<td class='num'>{figure(c.own_cold)}</td><td class='num'>{figure(c.own_hot)}</td></tr>"
    )


def _window_section(report: Report, lang: Lang, _: Translator) -> str:
    """The window table and one chart per asset: were the reserves there across the
    blocks around the snapshot, not only at it?"""
    from verifier.report import charts

    w = report.window
    if w is None:
        return ""
    unknown = esc(_("unknown"))

    def cell(x: str | None) -> str:
        return f"<td class='num'>{figure(x) if x else unknown}</td>"

    def chain_text(c: WindowChain) -> str:
        if c.reason is not None:
            return esc(_("not read: {reason}").format(reason=_.text(c.reason)))
        seed = _("given") if c.seed_source == "given" else _("hash of the last block")
        return _("blocks {first}..{last}, {count} read, seed {seed} ({source})").format(
            first=c.first,
            last=c.last,
            count=len(c.points),
            seed=f"<code>{esc(c.seed)}</code>",
            source=esc(seed),
        )

    rows = "".join(
        f"<tr><td>{esc(a.symbol)}</td>{cell(a.liabilities)}{cell(a.at_snapshot)}"
        + "".join(cell(x) for x in (a.minimum, a.median, a.maximum, a.min_coverage))
        + f"{cell(a.inflow_before)}{cell(a.outflow_after)}</tr>"
        + "".join(
            "<tr class='part'><td colspan='9'>&nbsp;&nbsp;"
            + esc(_("on {chain}").format(chain=c.chain))
            + f": {chain_text(c)}</td></tr>"
            for c in a.chains
        )
        for a in w.assets
    )
    figures = "".join(
        f"<figure>{charts.window_svg(a, i, lang)}</figure>" for i, a in enumerate(w.assets)
    )
    explained = _(
        "{spec}; sample heights drawn by {rule}. Verified customer holdings at every block "
        "read, in whole units: the lowest must cover {min_coverage} x the liabilities "
        "(window.coverage), and an inflow before the snapshot and an outflow after it may not "
        "both exceed {max_swing} x them (window.dressing). Over several chains the figures are "
        "sums of each chain's."
    ).format(
        spec=esc(w.spec),
        rule=f"<code>{esc(w.rule)}</code>",
        min_coverage=esc(w.min_coverage),
        max_swing=esc(w.max_swing),
    )
    head = head_row(
        _("asset"),
        _("liabilities"),
        _("at snapshot"),
        _("minimum"),
        _("median"),
        _("maximum"),
        _("min coverage"),
        _("in before"),
        _("out after"),
    )
    return (
        f"<h2>{esc(_('Across the window'))}</h2><p>{explained}</p>"
        f"<table>{head}{rows}</table><div class='charts'>{figures}</div>"
    )


def head_row(*names: str) -> str:
    """A table's heading row, each name escaped."""
    return "<tr>" + "".join(f"<th>{esc(n)}</th>" for n in names) + "</tr>"


def policy_section(pol: PolicyInfo, _: Translator) -> str:
    """The policy applied: its sources, each figure with how firm it is, its
    assumptions, what it requires that a snapshot cannot show, and the one claimed."""
    assumptions_title = esc(_("Assumptions of this policy (stated in every report)"))
    assumptions = (
        f"<h3>{assumptions_title}</h3>{bullets(pol.assumptions, _)}" if pol.assumptions else ""
    )
    not_checked_title = esc(_("Required by the regime, not checked at a snapshot"))
    not_checked = (
        f"<h3>{not_checked_title}</h3>{bullets(pol.not_checked, _)}" if pol.not_checked else ""
    )
    marked = "".join(
        f"<tr><td><code>{esc(f.rule)}.{esc(f.field)}</code></td><td>{esc(f.value)}</td>"
        f'<td class="{f.status}">{esc(figure_status(f.status, _))}</td>'
        f"<td>{esc(_.text(f.source))}</td></tr>"
        for f in pol.figures
    )
    figures_title = esc(_("Figures: law, guidance, proposal or assumption"))
    figures_head = head_row(_("figure"), _("value"), _("status"), _("source"))
    marked = f"<h3>{figures_title}</h3><table>{figures_head}{marked}</table>" if marked else ""
    claimed = (
        ""
        if pol.claimed == pol.id
        else "<p>"
        + _("The attestation claims {claimed}; this report applies {applied}.").format(
            claimed=f"<b>{esc(pol.claimed)}</b>", applied=f"<b>{esc(pol.id)}</b>"
        )
        + "</p>"
    )
    policy_title = esc(_("Policy: {title}").format(title=_.text(pol.title)))
    policy_line = _("{policy}, {status}; read from {source}.").format(
        policy=f"<code>{esc(pol.id)}</code>", status=esc(_.text(pol.status)), source=esc(pol.source)
    )
    sources = esc(_("Sources"))
    return (
        f"<h2>{policy_title}</h2><p>{policy_line}</p>{claimed}"
        f"<h3>{sources}</h3>{bullets(pol.sources, _)}{marked}{assumptions}{not_checked}"
    )


def checks_section(checks: list[ReportCheck], _: Translator) -> str:
    """Every check with its result and method."""
    head = head_row(_("check"), _("status"), _("expected"), _("actual"), _("reason"), _("method"))
    rows = "".join(_check_row(c, _) for c in checks)
    title = esc(_("Checks"))
    return f'<h2>{title}</h2><table class="checks">{head}{rows}</table>'


def render_html(report: Report, lang: Lang = Lang.EN) -> str:
    # Imported here: matplotlib takes about 0.9 s to import, and only this output
    # needs it, not every `por` command that imports the report package.
    from verifier.report import charts

    _ = translator(lang)
    unknown = esc(_("unknown"))
    snap = report.snapshot
    chains = "".join(
        f"<tr><td>{esc(p.chain)}</td><td class='num'>{figure(str(p.height))}</td>"
        f"<td class='mono'>{esc(p.block_hash)}</td></tr>"
        for p in snap.chains
    )
    assets = "".join(
        f"<tr><td>{esc(a.symbol)}</td><td class='num'>{figure(a.price)}</td>"
        f"<td class='num'>{figure(a.liabilities)}</td><td class='num'>{figure(a.customer_cold)}</td>"
        f"<td class='num'>{figure(a.customer_hot)}</td><td class='num'>{figure(a.customer_total)}</td>"
        f"<td class='num'>{figure(a.coverage) or unknown}</td><td class='num'>{figure(a.surplus)}</td>"
        f"<td class='num'>{figure(a.surplus_value)}</td><td class='num'>{figure(a.cold_share)}</td>"
        f"<td class='num'>{figure(a.own_cold)}</td><td class='num'>{figure(a.own_hot)}</td></tr>"
        + "".join(_chain_row(c, _) for c in (a.chains if a.split else []))
        for a in report.assets
    )
    reserves = "".join(
        f"<tr><td class='mono'>{esc(r.check)}</td><td>{status_span(r.status, _)}</td>"
        f"<td class='num'>{figure(r.required) or unknown}</td><td class='num'>{figure(r.cash)}</td>"
        f"<td class='num'>{figure(r.insurance)}</td><td class='num'>{figure(r.available)}</td></tr>"
        for r in report.reserves
    )
    reserve_head = head_row(
        _("check"),
        _("status"),
        _("required ({currency})").format(currency=report.reporting_currency),
        _("cash counted"),
        _("insurance counted"),
        _("available"),
    )
    reserve_title = esc(_("Reserves against requirement"))
    reserve_section = (
        f"<h2>{reserve_title}</h2><table>{reserve_head}{reserves}</table>"
        if report.reserves
        else ""
    )
    svgs = [charts.coverage_svg(report, lang), charts.cold_hot_svg(report, lang)]
    reserve_chart = charts.reserves_svg(report, lang)
    if reserve_chart is not None:
        svgs.append(reserve_chart)
    figures = "".join(f"<figure>{s}</figure>" for s in svgs)
    window = _window_section(report, lang, _)
    asset_head = head_row(
        _("asset"),
        _("price"),
        _("liabilities"),
        _("customer cold"),
        _("customer hot"),
        _("customer total"),
        _("coverage"),
        _("surplus"),
        _("surplus ({currency})").format(currency=report.reporting_currency),
        _("cold share"),
        _("own cold"),
        _("own hot"),
    )
    heading = esc(_("Proof-of-reserves verification report"))
    verdict = _("Verdict: {verdict}").format(verdict=status_word(report.verdict, _).upper())
    # Messages are looked up here, outside the page's f-string: on Python 3.11 the
    # extractor cannot see a _() call inside an f-string.
    title = _("{name} ({id}), snapshot {snapshot} at {time}").format(
        name=esc(report.exchange.name),
        id=f"<code>{esc(report.exchange.id)}</code>",
        snapshot=f"<code>{esc(snap.id)}</code>",
        time=esc(snap.time.isoformat()),
    )
    snapshot_head = head_row(_("chain"), _("height"), _("block hash"))
    commitment = _(
        "Liability tree root commitment {commitment}, {count} accounts as declared (the "
        "commitment does not bind the count; {command} confirms it from the ledger)."
    ).format(
        commitment=f"<code>{esc(snap.liability_root_commitment)}</code>",
        count=figure(str(snap.account_count_declared)),
        command="<code>por tree audit</code>",
    )
    per_asset = esc(
        _(
            "Whole units of each asset; prices and values in {currency}. Coverage = verified "
            "customer holdings / customer liabilities; cold share = customer holdings in cold "
            "wallets / all customer holdings; ratios are cut (not rounded) to 6 decimals."
        ).format(currency=report.reporting_currency)
    )
    h = {
        key: esc(text)
        for key, text in {
            "snapshot": _("Snapshot"),
            "scope": _("Scope"),
            "assets": _("Per asset"),
            "limitations": _("Limitations"),
        }.items()
    }
    written = esc(_("Written by {tool}.").format(tool=report.tool))
    return f"""<!DOCTYPE html>
<html lang="{lang.value}"><head><meta charset="utf-8">
<title>{heading}: {esc(report.exchange.name)} {esc(snap.id)}</title>
<style>{CSS}</style></head><body>
<h1>{heading}</h1>
<p>{title}</p>
<p class="verdict {report.verdict.value}">{esc(verdict)}</p>
<h2>{h["snapshot"]}</h2>
<table>{snapshot_head}{chains}</table>
<p>{commitment}</p>
<h2>{h["scope"]}</h2>{bullets(report.scope, _)}
{policy_section(report.policy, _)}
<h2>{h["assets"]}</h2>
<p>{per_asset}</p>
<table>{asset_head}{assets}</table>
{reserve_section}
<div class="charts">{figures}</div>
{window}
{checks_section(report.checks, _)}
<h2>{h["limitations"]}</h2>{bullets(report.limitations, _)}
<p>{written}</p>
</body></html>
"""
