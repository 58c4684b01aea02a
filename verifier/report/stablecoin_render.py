"""A stablecoin issuer's report for a person: the terminal summary and the
self-contained HTML page, in English or Japanese, built from the same parts as an
exchange's report (the checks table, the policy's figures, the verdict line)."""

from collections.abc import Callable

from rich.console import Group, RenderableType
from rich.text import Text

from verifier.i18n import Lang, Translator, translator
from verifier.report.figures import grouped
from verifier.report.html_report import (
    CSS,
    bullets,
    checks_section,
    esc,
    figure,
    head_row,
    policy_section,
    status_span,
)
from verifier.report.stablecoin import ReserveLine, StablecoinReport
from verifier.report.terminal import (
    Column,
    checks_table,
    per_row,
    policy_notes,
    status_word,
    text_cell,
    verdict_line,
)


def _counted(r: ReserveLine, _: Translator) -> str:
    return _("counts") if r.eligible else _("excluded: {reason}").format(reason=_.text(r.reason))


def _totals(report: StablecoinReport, _: Translator, show: Callable[[str | None], str]) -> str:
    """The outstanding supply, the reserves counted and excluded, and the coverage,
    each figure written by `show` (grouped for a terminal, escaped for HTML)."""
    return _(
        "Outstanding {outstanding} {currency}; eligible reserves {eligible} {currency}, "
        "excluded {ineligible} {currency}; coverage {coverage}."
    ).format(
        outstanding=show(report.outstanding),
        eligible=show(report.eligible),
        ineligible=show(report.ineligible),
        currency=report.peg_currency,
        coverage=show(report.coverage),
    )


def render_stablecoin_terminal(report: StablecoinReport, lang: Lang = Lang.EN) -> RenderableType:
    _ = translator(lang)
    unknown = _("unknown")
    supply = per_row(
        _("Supply per chain (whole {symbol})").format(symbol=report.symbol),
        Column(_("chain"), min_width=14),
        _("totalSupply"),
        _("treasury"),
        _("burned"),
        _("outstanding"),
    )
    for s in report.supply:
        figures = (s.total_supply, s.treasury, s.burned, s.outstanding)
        supply.add_row(
            text_cell(f"{s.chain} #{s.height}"),
            *(text_cell(grouped(x) or unknown) for x in figures),
        )
    reserves = per_row(
        _("Reserve assets (whole units of their currency)"),
        Column(_("asset"), min_width=14),
        _("amount"),
        _("maturity"),
    )
    for r in report.reserves:
        days = (
            "-" if r.days_to_maturity is None else _("{days} days").format(days=r.days_to_maturity)
        )
        reserves.add_row(
            text_cell(f"{r.index}. {r.category} ({r.custodian}): {_counted(r, _)}"),
            text_cell(f"{grouped(r.amount)} {r.currency}"),
            text_cell(days),
        )
    totals = _totals(report, _, lambda x: grouped(x) or unknown)
    parts: list[RenderableType] = [
        text_cell(
            _("{name} ({id}), {symbol} snapshot {snapshot} at {time}").format(
                name=report.issuer.name,
                id=report.issuer.id,
                symbol=report.symbol,
                snapshot=report.snapshot_id,
                time=report.snapshot_time.isoformat(),
            )
        ),
        supply,
        reserves,
        text_cell(totals),
        checks_table(report.checks, _),
        *policy_notes(report.policy, _),
        Text(_("Not checked"), style="bold"),
        *(text_cell(f"  - {_.text(n)}") for n in report.not_checked),
        verdict_line(report, lang),
    ]
    return Group(*parts)


def render_stablecoin_html(report: StablecoinReport, lang: Lang = Lang.EN) -> str:
    _ = translator(lang)
    unknown = esc(_("unknown"))

    def cell(x: str | None) -> str:
        return f"<td class='num'>{figure(x) if x is not None else unknown}</td>"

    supply = "".join(
        f"<tr><td>{esc(s.chain)}</td><td class='mono'>{esc(s.contract)}</td>"
        f"<td class='num'>{figure(str(s.height))}</td><td class='mono'>{esc(s.block_hash)}</td>"
        f"<td>{status_span(s.status, _)}</td>"
        + "".join(cell(x) for x in (s.total_supply, s.treasury, s.treasury_unproven, s.burned))
        + cell(s.outstanding)
        + "</tr>"
        for s in report.supply
    )
    supply_head = head_row(
        _("chain"),
        _("contract"),
        _("height"),
        _("block hash"),
        _("status"),
        _("totalSupply"),
        _("treasury (subtracted)"),
        _("treasury not proven (not subtracted)"),
        _("burned (subtracted)"),
        _("outstanding"),
    )
    reserves = "".join(
        f"<tr><td class='num'>{r.index}</td><td>{esc(r.type)}</td><td>{esc(r.category)}</td>"
        f"<td class='num'>{figure(r.amount)}</td><td>{esc(r.currency)}</td>"
        f"<td>{esc(r.custodian)}</td><td>{esc(r.as_of)}</td><td>{esc(r.maturity)}</td>"
        f"<td class='num'>{esc(r.days_to_maturity)}</td><td>{esc(r.collateral)}</td>"
        f"<td class='{'pass' if r.eligible else 'fail'}'>{esc(_counted(r, _))}</td></tr>"
        for r in report.reserves
    )
    reserve_head = head_row(
        "#",
        _("type"),
        _("category"),
        _("amount"),
        _("currency"),
        _("custodian"),
        _("as of"),
        _("maturity"),
        _("days to maturity"),
        _("collateral"),
        _("counted"),
    )
    cur = report.peg_currency
    totals = _totals(report, _, lambda x: figure(x) or unknown)
    heading = esc(_("Stablecoin reserves verification report"))
    title = _("{name} ({id}), {symbol} snapshot {snapshot} at {time}").format(
        name=esc(report.issuer.name),
        id=f"<code>{esc(report.issuer.id)}</code>",
        symbol=esc(report.symbol),
        snapshot=f"<code>{esc(report.snapshot_id)}</code>",
        time=esc(report.snapshot_time.isoformat()),
    )
    verdict = _("Verdict: {verdict}").format(verdict=status_word(report.verdict, _).upper())
    peg = esc(
        _("1 {symbol} = 1 {currency}: token units are converted at par.").format(
            symbol=report.symbol, currency=cur
        )
    )
    h = {
        key: esc(text)
        for key, text in {
            "supply": _("Supply per chain (whole {symbol})").format(symbol=report.symbol),
            "reserves": _("Reserve assets (whole units of their currency)"),
            "scope": _("Scope"),
            "not_checked": _("Not checked"),
            "limitations": _("Limitations"),
        }.items()
    }
    written = esc(_("Written by {tool}.").format(tool=report.tool))
    return f"""<!DOCTYPE html>
<html lang="{lang.value}"><head><meta charset="utf-8">
<title>{heading}: {esc(report.issuer.name)} {esc(report.snapshot_id)}</title>
<style>{CSS}</style></head><body>
<h1>{heading}</h1>
<p>{title}</p>
<p class="verdict {report.verdict.value}">{esc(verdict)}</p>
<h2>{h["scope"]}</h2>{bullets(report.scope, _)}
<h2>{h["supply"]}</h2><p>{peg}</p>
<table>{supply_head}{supply}</table>
<h2>{h["reserves"]}</h2>
<table>{reserve_head}{reserves}</table>
<p>{totals}</p>
{policy_section(report.policy, _)}
{checks_section(report.checks, _)}
<h2>{h["not_checked"]}</h2>{bullets(report.not_checked, _)}
<h2>{h["limitations"]}</h2>{bullets(report.limitations, _)}
<p>{written}</p>
</body></html>
"""
