from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from verifier.cli import app


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["inclusion", "verify", *args], catch_exceptions=False)


@pytest.fixture
def external(shared: Path) -> Path:
    return shared / "external"
