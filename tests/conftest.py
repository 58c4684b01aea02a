"""Suite-wide fixtures. Node launchers live in tests/support/ and register here."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

pytest_plugins: list[str] = [
    "tests.support.anvil",
    "tests.support.bcoin",
    "tests.support.btc_wallet",
    "tests.support.cli",
]


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared: the spec and the external files, read in place, never copied."""
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: the suite reads the spec and external files from it")
    return SHARED
