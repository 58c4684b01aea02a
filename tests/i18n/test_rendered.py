"""Every output a person reads in Japanese, under every preset, for the passing and the
short demo (the demo stablecoin's, for a stablecoin preset): the terminal summary and the
HTML report show none of the catalogue's English sentences (a text the domain wrote without N_, a renderer that skipped
_.text, a preset text the extractor did not read would each show one here).
The customer page's check is in tests/page/test_japanese.py."""

from pathlib import Path

import pytest
from rich.console import Console

from tests.i18n.english import english_in, english_phrases, visible_text
from tests.support.demo_reports import DEMO
from tests.tree.helpers import run
from verifier.i18n import Lang
from verifier.reconcile.policy import for_stablecoins, load_policy, presets
from verifier.report.html_report import render_html
from verifier.report.model import Report
from verifier.report.stablecoin import StablecoinReport
from verifier.report.stablecoin_render import render_stablecoin_html, render_stablecoin_terminal
from verifier.report.terminal import render_terminal

STABLECOIN_DEMO = DEMO.parent / "stablecoin"


@pytest.mark.parametrize("preset", presets())
def test_no_english_sentence_in_japanese_reports(preset: str, tmp_path: Path) -> None:
    demo_dir, model, terminal, page = (
        (STABLECOIN_DEMO, StablecoinReport, render_stablecoin_terminal, render_stablecoin_html)
        if for_stablecoins(load_policy(preset))
        else (DEMO, Report, render_terminal, render_html)
    )
    for demo in (demo_dir, demo_dir / "short"):
        out = tmp_path / f"{demo.name}.json"
        r = run(
            "verify", str(demo / "attestation.json"), "--offline", str(demo / "evidence.json"),
            "--policy", preset, "--json", str(out),
        )  # fmt: skip
        assert out.exists(), r.output
        report = model.model_validate_json(out.read_text())
        console = Console(width=2000, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(terminal(report, Lang.JA))
        assert english_in(console.export_text()) == [], f"{preset} {demo.name}: terminal"
        assert english_in(visible_text(page(report, Lang.JA))) == [], f"{preset}: html"


def test_the_english_is_found_where_it_is_left() -> None:
    """The check can fail: an English report of the demo shows the catalogue's English."""
    assert len(english_phrases()) > 100
    text = "VERDICT: the attestation gives no average_prices, as MiCA Art. 67(5)-(6): at least 90 days' notice of cancellation"
    assert english_in(text) != []
