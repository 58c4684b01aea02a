"""The history's charts as inline SVG: one line per asset (or per reserve figure)
across an exchange's reports, oldest first, each report named on the x axis.

Drawn as the report's charts are (verifier/report/charts), so a history page and a
report look alike: shares in basis points, money as integers of the reporting
currency, never floats of money; a figure the report could not establish is a gap
in its line, not a zero."""

from collections.abc import Callable, Sequence
from fractions import Fraction

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from verifier.history.model import AssetPoint, Entry
from verifier.report.charts import BP, inline_svg, percent
from verifier.report.escape import printable


def _label(text: str) -> str:
    """Text from a report as matplotlib draws it literally: controls escaped, and '$'
    escaped so that it starts no mathematical expression (which could fail to parse)."""
    return printable(text).replace("$", r"\$")


def _bp(x: Fraction | str | None) -> int | None:
    return None if x is None else int(Fraction(x) * BP)


def _money(text: str | None) -> int | None:
    """A reserve amount as a whole number of the currency (a figure the report marks
    '...' is cut already; a chart needs no more)."""
    return None if text is None else int(Fraction(text.removesuffix("...")))


def _chart(
    title: str,
    ylabel: str,
    entries: Sequence[Entry],
    series: dict[str, list[int | None]],
    salt: str,
    *,
    shares: bool,
) -> str:
    fig = Figure(figsize=(7, 3.4))
    ax = fig.add_subplot()
    for label, values in series.items():
        known = [(i, v) for i, v in enumerate(values) if v is not None]
        ax.plot([i for i, _ in known], [v for _, v in known], marker="o", label=_label(label))
    if shares:
        ax.axhline(BP, color="black", linewidth=0.8)
        ax.yaxis.set_major_formatter(FuncFormatter(percent))
    ax.set_xticks(
        range(len(entries)), [_label(e.snapshot_id) for e in entries], rotation=30, ha="right"
    )
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return inline_svg(fig, salt)


def _per_asset(
    entries: Sequence[Entry], figure: Callable[[AssetPoint], Fraction | str | None]
) -> dict[str, list[int | None]]:
    symbols = list(dict.fromkeys(a.symbol for e in entries for a in e.assets))
    series: dict[str, list[int | None]] = {}
    for symbol in symbols:
        points = [e.asset(symbol) for e in entries]
        series[symbol] = [None if p is None else _bp(figure(p)) for p in points]
    return series


# Per-asset charts: title, axis label, the figure of an asset, the SVG id salt.
_ASSET_CHARTS: tuple[tuple[str, str, Callable[[AssetPoint], Fraction | str | None], str], ...] = (
    (
        "Coverage per asset (line: 100%)",
        "holdings / liabilities",
        lambda a: a.exact_coverage,
        "coverage",
    ),
    ("Customer holdings in cold wallets", "cold share", lambda a: a.cold_share, "cold"),
    (
        "Lowest coverage in the window around the snapshot",
        "minimum coverage",
        lambda a: a.window_min_coverage,
        "window",
    ),
)


def asset_charts(entries: Sequence[Entry]) -> list[str]:
    """Coverage, cold share and the window's minimum coverage per asset over time; a
    chart with no figure in any report (the window, for now) is left out."""
    out = []
    for title, ylabel, figure, salt in _ASSET_CHARTS:
        series = _per_asset(entries, figure)
        if any(v is not None for values in series.values() for v in values):
            out.append(_chart(title, ylabel, entries, series, f"history-{salt}", shares=True))
    return out


def reserves_svg(entries: Sequence[Entry]) -> str | None:
    """None when no report has a reserve requirement."""
    checks = list(dict.fromkeys(r.check for e in entries for r in e.reserves))
    if not checks:
        return None
    series: dict[str, list[int | None]] = {}
    for check in checks:
        lines = [next((r for r in e.reserves if r.check == check), None) for e in entries]
        series[f"{check}: required"] = [None if r is None else _money(r.required) for r in lines]
        series[f"{check}: available"] = [None if r is None else _money(r.available) for r in lines]
    currency = entries[-1].reporting_currency
    return _chart(
        "Reserves against requirement", currency, entries, series, "history-reserves", shares=False
    )
