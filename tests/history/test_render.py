"""The history's page and tables: the window's minimum coverage is a chart and a
figure once a report carries it, '-' and no chart until then."""

from dataclasses import replace

from rich.console import Console

from tests.history.helpers import later
from verifier.history.charts import asset_charts
from verifier.history.html import render_history_html
from verifier.history.model import Entry, entry_of
from verifier.history.terminal import render_history
from verifier.report.model import Report


def _with_window(e: Entry, minimum: str) -> Entry:
    return replace(e, assets=tuple(replace(a, window_min_coverage=minimum) for a in e.assets))


def _terminal(entries: list[Entry]) -> str:
    console = Console(width=250, record=True)
    console.print(render_history("demo-exchange", entries, []))
    return console.export_text()


def test_the_window_minimum_is_shown_when_a_report_carries_it(demo: Report) -> None:
    entries = [entry_of(demo, "a.json"), entry_of(later(demo, 7), "b.json")]
    assert len(asset_charts(entries)) == 2  # coverage and cold share: no window yet
    rows = [line for line in _terminal(entries).splitlines() if "BTC" in line]
    assert rows and all(line.rstrip(" │").endswith("-") for line in rows)
    page = render_history_html("demo-exchange", entries, [])
    assert "shown as '-'" in page and page.count("<svg") == 3

    windowed = [entries[0], _with_window(entries[1], "0.912345")]
    assert len(asset_charts(windowed)) == 3
    assert "0.912345" in _terminal(windowed)
    page = render_history_html("demo-exchange", windowed, [])
    assert "shown as '-'" not in page and page.count("<svg") == 4
    assert "Lowest coverage in the window" in page
