"""The report's charts as inline SVG, drawn by matplotlib.

SVG because it embeds in HTML as text: no image files, no network. The XML prolog,
metadata and namespace declarations are cut, since inline SVG in HTML needs none of
them and they hold http URLs. Each chart gets its own hash salt so the ids of two
charts in one page never collide, and the output is the same on every run.

Labels are in the report's language; Japanese needs a font with its glyphs, IPAex
Gothic (Debian's fonts-ipaexfont-gothic, which ./tasks installs), registered by its
path because matplotlib's font cache may predate the font's installation.
"""

import io
import re
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from verifier.i18n import Lang, translator
from verifier.report.figures import axis_amount
from verifier.report.model import Report, WindowLine

BP = 10_000  # charts plot shares in basis points: integers, never floats of money


JAPANESE_FONT = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")


@cache
def _fonts(lang: Lang) -> list[str]:
    """The font families to draw `lang` with, first choice first."""
    if lang is Lang.JA and JAPANESE_FONT.is_file():
        font_manager.fontManager.addfont(str(JAPANESE_FONT))
        return [font_manager.FontProperties(fname=str(JAPANESE_FONT)).get_name(), "DejaVu Sans"]
    return ["DejaVu Sans"]


def inline_svg(fig: Figure, salt: str) -> str:
    """`fig` as SVG text to put inside an HTML page, the same on every run."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    return re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)


def _bp(text: str) -> int:
    return int(Fraction(text) * BP)


def percent(value: float, _pos: object) -> str:
    """An axis tick in basis points, written as a percentage."""
    return f"{value / 100:g}%"


def coverage_svg(report: Report, lang: Lang = Lang.EN) -> str:
    _ = translator(lang)
    symbols = [a.symbol for a in report.assets]
    values = [_bp(a.coverage) if a.coverage is not None else 0 for a in report.assets]
    with matplotlib.rc_context({"font.family": _fonts(lang)}):
        fig = Figure(figsize=(6, 0.6 + 0.45 * len(symbols)))
        ax = fig.add_subplot()
        colors = ["#2e7d32" if v >= BP else "#c62828" for v in values]
        ax.barh(symbols, values, color=colors)
        ax.axvline(BP, color="black", linewidth=1)
        for i, a in enumerate(report.assets):
            if a.coverage is None:
                ax.text(0, i, " " + _("unknown"), va="center")
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(FuncFormatter(percent))
        ax.set_xlabel(_("verified customer holdings / customer liabilities"))
        ax.set_title(_("Coverage per asset (line: 100%)"))
        return inline_svg(fig, "coverage")


def cold_hot_svg(report: Report, lang: Lang = Lang.EN) -> str:
    _ = translator(lang)
    symbols = [a.symbol for a in report.assets]
    cold = [_bp(a.cold_share) if a.cold_share is not None else 0 for a in report.assets]
    hot = [
        BP - c if a.cold_share is not None else 0 for a, c in zip(report.assets, cold, strict=True)
    ]
    with matplotlib.rc_context({"font.family": _fonts(lang)}):
        fig = Figure(figsize=(6, 0.6 + 0.45 * len(symbols)))
        ax = fig.add_subplot()
        ax.barh(symbols, cold, color="#1565c0", label=_("cold"))
        ax.barh(symbols, hot, left=cold, color="#ef6c00", label=_("hot"))
        for i, a in enumerate(report.assets):
            if a.cold_share is None:
                ax.text(0, i, " " + _("unknown"), va="center")
        ax.invert_yaxis()
        ax.set_xlim(0, BP)
        ax.xaxis.set_major_formatter(FuncFormatter(percent))
        ax.set_title(_("Customer holdings: cold / hot split per asset (units)"))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, frameon=False)
        return inline_svg(fig, "coldhot")


def reserves_svg(report: Report, lang: Lang = Lang.EN) -> str | None:
    """Reserves beside their requirement, the money axis in readable units ("JPY 2.0bn",
    "20億円"), never matplotlib's "1e9" offset."""
    _ = translator(lang)
    lines = [r for r in report.reserves if r.required is not None or r.available is not None]
    if not lines:
        return None
    names = [r.check for r in lines]
    required = [int(Fraction(r.required)) if r.required else 0 for r in lines]
    cash = [int(Fraction(r.cash)) if r.cash else 0 for r in lines]
    insured = [int(Fraction(r.insurance)) if r.insurance else 0 for r in lines]
    cur = report.reporting_currency
    with matplotlib.rc_context({"font.family": _fonts(lang)}):
        fig = Figure(figsize=(6, 0.9 + 0.9 * len(names)))
        ax = fig.add_subplot()
        pos = list(range(len(names)))
        ax.barh([p - 0.2 for p in pos], required, height=0.4, color="#616161", label=_("required"))
        ax.barh([p + 0.2 for p in pos], cash, height=0.4, color="#2e7d32", label=_("cash counted"))
        ax.barh(
            [p + 0.2 for p in pos],
            insured,
            height=0.4,
            left=cash,
            color="#81c784",
            label=_("insurance counted"),
        )
        for p, r in zip(pos, lines, strict=True):
            if r.required is None:
                ax.text(0, p - 0.2, " " + _("required: unknown"), va="center")
            if r.available is None:
                ax.text(0, p + 0.2, " " + _("available: unknown"), va="center")
        ax.set_yticks(pos, names)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: axis_amount(v, cur, lang)))
        ax.set_xlabel(_("reserves and requirement ({currency})").format(currency=cur))
        ax.set_title(_("Reserves against requirement"))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3, frameon=False)
        return inline_svg(fig, "reserves")


def window_svg(line: WindowLine, index: int, lang: Lang) -> str:
    """One asset across the window: each chain's verified customer holdings at every
    block read (the snapshot's among them) as a share of the asset's liabilities, with
    the liabilities at 100% and the snapshot block marked. A block that could not be
    read is marked on the axis, never drawn as a value."""
    _ = translator(lang)
    owed = Fraction(line.liabilities)
    with matplotlib.rc_context({"font.family": _fonts(lang)}):
        fig = Figure(figsize=(6, 2.8))
        ax = fig.add_subplot()
        _window_lines(ax, line, owed, _("{chain}: not read"))
        ax.axhline(BP, color="black", linewidth=1)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(FuncFormatter(percent))
        ax.set_xlabel(_("block height (dotted: the snapshot; x: not read)"))
        ax.set_ylabel(_("holdings / liabilities"))
        ax.set_title(
            _("{symbol} across the window (line: liabilities, 100%)").format(symbol=line.symbol)
        )
        if line.chains:
            ax.legend(loc="lower left", frameon=False)
        return inline_svg(fig, f"window{index}")


def _window_lines(ax: Any, line: WindowLine, owed: Fraction, not_read: str) -> None:
    """Each chain's readings as a line, its unread blocks as crosses on the axis."""
    for c in line.chains:
        points = sorted(
            [(p.height, p.customer_total) for p in c.points] + [(c.snapshot_height, c.at_snapshot)]
        )
        known = [(h, _share(v, owed)) for h, v in points if v is not None]
        if known:
            ax.plot([h for h, _ in known], [v for _, v in known], marker="o", label=c.chain)
        for h, v in points:
            if v is None:
                ax.plot([h], [0], marker="x", color="#c62828")
        ax.axvline(c.snapshot_height, color="#616161", linestyle=":", linewidth=1)
        if c.reason is not None:
            ax.text(c.snapshot_height, BP // 2, " " + not_read.format(chain=c.chain), va="center")


def _share(whole: str, owed: Fraction) -> int:
    return int(Fraction(whole) / owed * BP) if owed else 0
