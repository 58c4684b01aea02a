"""The demo's two reports, written once per session by `por verify` (offline)."""

from pathlib import Path

import pytest

from tests.history.helpers import demo_reports
from verifier.io.report import load_report
from verifier.report.model import Report


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return demo_reports(tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="session")
def demo(demo_files: tuple[Path, Path]) -> Report:
    return load_report(demo_files[0])


@pytest.fixture(scope="session")
def short(demo_files: tuple[Path, Path]) -> Report:
    return load_report(demo_files[1])
