"""The bundled demo exchange's reports, replayed offline once per session, for the renderers'
tests in either language."""

from pathlib import Path

import pytest

from tests.tree.helpers import run
from verifier.report.model import Report

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"


def _verified(tmp: Path, demo: Path, exit_code: int) -> Report:
    out = tmp / "report.json"
    r = run(
        "verify", str(demo / "attestation.json"), "--offline", str(demo / "evidence.json"),
        "--json", str(out),
    )  # fmt: skip
    assert r.exit_code == exit_code, r.output
    return Report.model_validate_json(out.read_text())


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The bundled demo exchange's report, replayed offline: it passes."""
    return _verified(tmp_path_factory.mktemp("demo"), DEMO, 0)


@pytest.fixture(scope="session")
def short_demo_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The demo's short attestation: hot share too high, USDC under-covered (fail)."""
    return _verified(tmp_path_factory.mktemp("short"), DEMO / "short", 1)
