"""The HTML report as a reader sees it, in headless Chromium, in English and Japanese:
no table wider than the page at desktop or phone width, the charts' money axes in
readable units with the Japanese font, and screenshots in test-artifacts/report/."""

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.page_browser import CHROMIUM, ROOT, PageBrowser, page_browser
from verifier.i18n import Lang
from verifier.report.figures import grouped
from verifier.report.html_report import render_html
from verifier.report.model import Report

ARTIFACTS = ROOT / "test-artifacts" / "report"
SIZES = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]

# Every table's right edge within the page, and nothing to scroll sideways.
OVERFLOW = """(() => {
  const page = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("table")]
    .map((t) => Math.ceil(t.getBoundingClientRect().right))
    .filter((right) => right > page);
  return { page, scroll: document.documentElement.scrollWidth, wide, tables: document.querySelectorAll("table").length };
})()"""


@pytest.fixture(scope="module")
def browser() -> Iterator[PageBrowser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: ./tasks test installs Debian's chromium")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    with page_browser() as b:
        yield b


def _open(browser: PageBrowser, tmp: Path, report: Report, lang: Lang) -> str:
    html = render_html(report, lang)
    path = tmp / f"report-{lang}.html"
    path.write_text(html)
    browser.call("load", url=path.as_uri())
    return html


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(Lang))
def test_no_table_overflows_the_page(
    browser: PageBrowser, short_demo_report: Report, tmp_path: Path, lang: Lang
) -> None:
    _open(browser, tmp_path, short_demo_report, lang)
    assert_fits(browser, ARTIFACTS / f"report-{lang}")


def assert_fits(browser: PageBrowser, shots: Path) -> None:
    """The page loaded has no table wider than it at each size and nothing to scroll
    sideways; a screenshot per size as SHOTS-WIDTHxHEIGHT.png; no script error."""
    for size in SIZES:
        browser.call("viewport", **size)
        seen = browser.call("evaluate", expression=OVERFLOW)
        assert seen["tables"] >= 4
        assert seen["wide"] == [] and seen["scroll"] <= seen["page"], (size, seen)
        path = shots.with_name(f"{shots.name}-{size['width']}x{size['height']}.png")
        browser.call("screenshot", path=str(path), **size)
        assert path.stat().st_size > 10_000
    log = browser.call("log")
    assert log["errors"] == [] and log["console"] == []


@pytest.mark.browser
def test_the_japanese_report_reads_in_japanese(
    browser: PageBrowser, short_demo_report: Report, tmp_path: Path
) -> None:
    html = _open(browser, tmp_path, short_demo_report, Lang.JA)
    browser.call("viewport", **SIZES[0])
    shown = browser.call("evaluate", expression="document.body.innerText")
    assert browser.call("evaluate", expression="document.documentElement.lang") == "ja"
    for term in ["判定: 不合格", "責任準備金", "利用者財産", "コールドウォレット", "充足率"]:
        assert term in shown, term
    # every figure of the asset table with its separators, whatever the line breaks
    flat = shown.replace("\n", "")
    for a in short_demo_report.assets:
        for figure in (a.liabilities, a.customer_total, a.surplus_value):
            assert grouped(figure) in flat, figure
    # the charts: money ticks in 億円 drawn with the Japanese font (matplotlib writes each
    # text's characters in a comment beside its glyph paths)
    ticks = re.findall(r"<!-- ([0-9.]+億円) -->", html)
    assert "20億円" in ticks and not re.search(r"<!-- [0-9.]+e[0-9]+ -->", html)
    assert 'id="IPAexGothic-' in html


def test_english_chart_axes_are_in_readable_units(short_demo_report: Report) -> None:
    html = render_html(short_demo_report, Lang.EN)
    ticks = re.findall(r"<!-- (JPY [0-9.]+bn) -->", html)
    assert "JPY 2.0bn" in ticks and not re.search(r"<!-- [0-9.]+e[0-9]+ -->", html)
    assert "1e9" not in html
