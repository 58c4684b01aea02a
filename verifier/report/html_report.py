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
from verifier.report.model import ChainLine, Report, ReportCheck
from verifier.report.names import check_name
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


def _e(value: object) -> str:
    return "" if value is None else escape(str(value))


def _n(value: str | None) -> str:
    """A figure (or a text with figures) grouped by thousands, free to break after a
    separator."""
    return _e(grouped(value)).replace(",", ",<wbr>")


def _list(items: list[str], _: Translator) -> str:
    return "<ul>" + "".join(f"<li>{_e(_.text(i))}</li>" for i in items) + "</ul>"


def _status(s: Status, _: Translator) -> str:
    return f'<span class="{s.value}">{_e(status_word(s, _))}</span>'


def _check_row(c: ReportCheck, _: Translator) -> str:
    evidence = ""
    if c.evidence is not None:
        text = json.dumps(c.evidence, indent=1, default=str)
        summary = _e(_("evidence"))
        evidence = f"<details><summary>{summary}</summary><pre>{_e(text)}</pre></details>"
    pad = c.depth * 1.2
    name = check_name(c.id, _)
    named = "" if name is None else f'<span class="name">{_e(name)}</span><br>'
    expected = None if c.expected is None else str(c.expected)
    actual = None if c.actual is None else str(c.actual)
    return (
        f'<tr><td style="padding-left:{pad + 0.45:.2f}rem">{named}<code>{_e(c.id)}</code></td>'
        f"<td>{_status(c.status, _)}</td><td>{_n(expected)}</td><td>{_n(actual)}</td>"
        f"<td>{_n(_.text(c.reason))}{evidence}</td><td>{_e(_.text(c.method))}</td></tr>"
    )


def _chain_row(c: ChainLine, _: Translator) -> str:
    """One chain's part of an asset held on several chains (or through a mapped token)."""
    held = "; ".join(_.text(h) for h in c.held_as)
    on = _e(_("on {chain}").format(chain=c.chain))
    return (
        f"<tr class='part'><td>&nbsp;&nbsp;{on}</td>"
        f"<td></td><td></td>"
        f"<td class='num'>{_n(c.customer_cold)}</td><td class='num'>{_n(c.customer_hot)}</td>"
        f"<td class='num'>{_n(c.customer_total)}</td>"
        f"<td colspan='4'>{_e(held)}</td>"
        f"<td class='num'>{_n(c.own_cold)}</td><td class='num'>{_n(c.own_hot)}</td></tr>"
    )


def _row(cells: list[str], head: bool = False) -> str:
    tag = "th" if head else "td"
    return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"


def render_html(report: Report, lang: Lang = Lang.EN) -> str:
    # Imported here: matplotlib takes about 0.9 s to import, and only this output
    # needs it, not every `por` command that imports the report package.
    from verifier.report import charts

    _ = translator(lang)
    unknown = _e(_("unknown"))
    snap = report.snapshot
    chains = "".join(
        f"<tr><td>{_e(p.chain)}</td><td class='num'>{_n(str(p.height))}</td>"
        f"<td class='mono'>{_e(p.block_hash)}</td></tr>"
        for p in snap.chains
    )
    assets = "".join(
        f"<tr><td>{_e(a.symbol)}</td><td class='num'>{_n(a.price)}</td>"
        f"<td class='num'>{_n(a.liabilities)}</td><td class='num'>{_n(a.customer_cold)}</td>"
        f"<td class='num'>{_n(a.customer_hot)}</td><td class='num'>{_n(a.customer_total)}</td>"
        f"<td class='num'>{_n(a.coverage) or unknown}</td><td class='num'>{_n(a.surplus)}</td>"
        f"<td class='num'>{_n(a.surplus_value)}</td><td class='num'>{_n(a.cold_share)}</td>"
        f"<td class='num'>{_n(a.own_cold)}</td><td class='num'>{_n(a.own_hot)}</td></tr>"
        + "".join(_chain_row(c, _) for c in (a.chains if a.split else []))
        for a in report.assets
    )
    reserves = "".join(
        f"<tr><td class='mono'>{_e(r.check)}</td><td>{_status(r.status, _)}</td>"
        f"<td class='num'>{_n(r.required) or unknown}</td><td class='num'>{_n(r.cash)}</td>"
        f"<td class='num'>{_n(r.insurance)}</td><td class='num'>{_n(r.available)}</td></tr>"
        for r in report.reserves
    )
    reserve_head = _row(
        [
            _e(_("check")),
            _e(_("status")),
            _e(_("required ({currency})").format(currency=report.reporting_currency)),
            _e(_("cash counted")),
            _e(_("insurance counted")),
            _e(_("available")),
        ],
        head=True,
    )
    reserve_title = _e(_("Reserves against requirement"))
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
    pol = report.policy
    assumptions_title = _e(_("Assumptions of this policy (stated in every report)"))
    assumptions = (
        f"<h3>{assumptions_title}</h3>{_list(pol.assumptions, _)}" if pol.assumptions else ""
    )
    claimed = (
        ""
        if pol.claimed == pol.id
        else "<p>"
        + _("The attestation claims {claimed}; this report applies {applied}.").format(
            claimed=f"<b>{_e(pol.claimed)}</b>", applied=f"<b>{_e(pol.id)}</b>"
        )
        + "</p>"
    )
    asset_head = _row(
        [
            _e(h)
            for h in (
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
        ],
        head=True,
    )
    check_head = _row(
        [
            _e(h)
            for h in (_("check"), _("status"), _("expected"), _("actual"), _("reason"), _("method"))
        ],
        head=True,
    )
    checks = "".join(_check_row(c, _) for c in report.checks)
    heading = _e(_("Proof-of-reserves verification report"))
    verdict = _("Verdict: {verdict}").format(verdict=status_word(report.verdict, _).upper())
    # Messages are looked up here, outside the page's f-string: on Python 3.11 the
    # extractor cannot see a _() call inside an f-string.
    title = _("{name} ({id}), snapshot {snapshot} at {time}").format(
        name=_e(report.exchange.name),
        id=f"<code>{_e(report.exchange.id)}</code>",
        snapshot=f"<code>{_e(snap.id)}</code>",
        time=_e(snap.time.isoformat()),
    )
    snapshot_head = _row([_e(_("chain")), _e(_("height")), _e(_("block hash"))], head=True)
    commitment = _(
        "Liability tree root commitment {commitment}, {count} accounts as declared (the "
        "commitment does not bind the count; {command} confirms it from the ledger)."
    ).format(
        commitment=f"<code>{_e(snap.liability_root_commitment)}</code>",
        count=_n(str(snap.account_count_declared)),
        command="<code>por tree audit</code>",
    )
    policy_title = _e(_("Policy: {title}").format(title=_.text(pol.title)))
    policy_line = _("{policy}, {status}; read from {source}.").format(
        policy=f"<code>{_e(pol.id)}</code>", status=_e(_.text(pol.status)), source=_e(pol.source)
    )
    per_asset = _e(
        _(
            "Whole units of each asset; prices and values in {currency}. Coverage = verified "
            "customer holdings / customer liabilities; cold share = customer holdings in cold "
            "wallets / all customer holdings; ratios are cut (not rounded) to 6 decimals."
        ).format(currency=report.reporting_currency)
    )
    h = {
        key: _e(text)
        for key, text in {
            "snapshot": _("Snapshot"),
            "scope": _("Scope"),
            "sources": _("Sources"),
            "assets": _("Per asset"),
            "checks": _("Checks"),
            "limitations": _("Limitations"),
        }.items()
    }
    written = _e(_("Written by {tool}.").format(tool=report.tool))
    return f"""<!DOCTYPE html>
<html lang="{lang.value}"><head><meta charset="utf-8">
<title>{heading}: {_e(report.exchange.name)} {_e(snap.id)}</title>
<style>{CSS}</style></head><body>
<h1>{heading}</h1>
<p>{title}</p>
<p class="verdict {report.verdict.value}">{_e(verdict)}</p>
<h2>{h["snapshot"]}</h2>
<table>{snapshot_head}{chains}</table>
<p>{commitment}</p>
<h2>{h["scope"]}</h2>{_list(report.scope, _)}
<h2>{policy_title}</h2>
<p>{policy_line}</p>{claimed}
<h3>{h["sources"]}</h3>{_list(pol.sources, _)}{assumptions}
<h2>{h["assets"]}</h2>
<p>{per_asset}</p>
<table>{asset_head}{assets}</table>
{reserve_section}
<div class="charts">{figures}</div>
<h2>{h["checks"]}</h2>
<table class="checks">{check_head}{checks}</table>
<h2>{h["limitations"]}</h2>{_list(report.limitations, _)}
<p>{written}</p>
</body></html>
"""
