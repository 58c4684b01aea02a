"""Every output a person reads in Japanese, under every preset, for the passing and the
short demo: the terminal summary and the HTML report show none of the catalogue's
English sentences (a text the domain wrote without N_, a renderer that skipped
_.text, a preset text the extractor did not read would each show one here).
The customer page's check is in tests/page/test_japanese.py."""

from pathlib import Path

import pytest
from rich.console import Console

from tests.i18n.english import english_in, english_phrases, visible_text
from tests.support.demo_reports import DEMO
from tests.tree.helpers import run
from verifier.i18n import Lang
from verifier.report.html_report import render_html
from verifier.report.model import Report
from verifier.report.terminal import render_terminal

PRESETS = sorted(p.stem for p in (DEMO.parents[1] / "verifier/reconcile/policies").glob("*.toml"))


@pytest.mark.parametrize("preset", PRESETS)
def test_no_english_sentence_in_japanese_reports(preset: str, tmp_path: Path) -> None:
    for demo in (DEMO, DEMO / "short"):
        out = tmp_path / f"{demo.name}.json"
        r = run(
            "verify", str(demo / "attestation.json"), "--offline", str(demo / "evidence.json"),
            "--policy", preset, "--json", str(out),
        )  # fmt: skip
        assert out.exists(), r.output
        report = Report.model_validate_json(out.read_text())
        console = Console(width=2000, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(render_terminal(report, Lang.JA))
        assert english_in(console.export_text()) == [], f"{preset} {demo.name}: terminal"
        assert english_in(visible_text(render_html(report, Lang.JA))) == [], f"{preset}: html"


def test_the_english_is_found_where_it_is_left() -> None:
    """The check can fail: an English report of the demo shows the catalogue's English."""
    assert len(english_phrases()) > 100
    text = "VERDICT: the attestation gives no average_prices, as MiCA Art. 67(5)-(6): at least 90 days' notice of cancellation"
    assert english_in(text) != []
