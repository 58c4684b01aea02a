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
    "tests.support.demo_reports",
]


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared: the spec and the external files, read in place, never copied."""
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: the suite reads the spec and external files from it")
    return SHARED


# What needs a real node: a test asking for one of these fixtures, or a module that
# starts a node itself. Marked here, once, so that `-m "not nodes"` can never run a
# test that needs a node because somebody forgot a marker.
_NODE_FIXTURES = frozenset({"anvil", "bcoin", "faucet"})
_NODE_LAUNCHERS = ("run_anvil(", "run_bcoin(", "make_demo", "make_stablecoin_demo")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    starts_nodes: dict[Path, bool] = {}
    for item in items:
        path = Path(str(item.fspath))
        if path not in starts_nodes:
            text = path.read_text(encoding="utf-8")
            starts_nodes[path] = any(launcher in text for launcher in _NODE_LAUNCHERS)
        fixtures = set(getattr(item, "fixturenames", ()))
        if starts_nodes[path] or fixtures & _NODE_FIXTURES:
            item.add_marker(pytest.mark.nodes)
        if "page_browser" in fixtures:
            item.add_marker(pytest.mark.browser)
