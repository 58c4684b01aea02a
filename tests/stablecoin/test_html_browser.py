"""The stablecoin report's HTML in headless Chromium, in English and Japanese: no
table wider than the page at desktop or phone width (screenshots in
test-artifacts/stablecoin/), and every message of it translated."""

import re
from pathlib import Path

import pytest

from chains.evidence import Bundle
from tests.report.test_html_browser import assert_fits, browser  # noqa: F401 (fixture)
from tests.stablecoin.helpers import DEMO
from tests.support.page_browser import ROOT, PageBrowser
from verifier.audit.balances import Sources
from verifier.audit.stablecoin import verify_stablecoin
from verifier.i18n import Lang, translator
from verifier.io.attestation import load_any_attestation
from verifier.io.evidence import load_bundle
from verifier.models.stablecoin import StablecoinAttestation
from verifier.reconcile.policy import load_policy
from verifier.report.stablecoin import StablecoinReport, build_stablecoin_report
from verifier.report.stablecoin_render import render_stablecoin_html, render_stablecoin_terminal

ARTIFACTS = ROOT / "test-artifacts" / "stablecoin"


def short_report() -> StablecoinReport:
    att = load_any_attestation(DEMO / "short" / "attestation.json")
    assert isinstance(att, StablecoinAttestation)
    bundle: Bundle = load_bundle(DEMO / "short" / "evidence.json")
    rec = verify_stablecoin(att, Sources(bundle=bundle), load_policy(att.policy))
    return build_stablecoin_report(rec, source="an evidence bundle")


def test_every_message_reads_in_japanese() -> None:
    from rich.console import Console

    report = short_report()
    ja = translator(Lang.JA)
    ja.missing.clear()
    render_stablecoin_html(report, Lang.JA)
    Console(width=80, record=True).print(render_stablecoin_terminal(report, Lang.JA))
    assert ja.missing == set()
    texts = [t for c in report.checks for t in (c.method, c.reason)]
    texts += report.scope + report.not_checked + [r.reason for r in report.reserves]
    for english in texts:
        if english and re.search(r"[a-z]{4,} [a-z]{4,}", english):
            assert ja.text(english) != english, english


@pytest.mark.browser
@pytest.mark.parametrize("lang", list(Lang))
def test_no_table_overflows_the_page(
    browser: PageBrowser,  # noqa: F811
    tmp_path: Path,
    lang: Lang,
) -> None:
    path = tmp_path / f"stablecoin-{lang}.html"
    path.write_text(render_stablecoin_html(short_report(), lang))
    browser.call("load", url=path.as_uri())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert_fits(browser, ARTIFACTS / f"stablecoin-{lang}")
