import json
from pathlib import Path
from typing import Any

import pytest

from tests.tree.helpers import build_tree, run, write_ledger

ROWS = [
    ("alice", "1.5", "0", "100"),
    ("bob", "0", "0.5", "1234.5"),
    ("carol", "0.00000001", "2", "0"),
    ("dave", "21", "0.000000000000000001", "0.000001"),
    ("erin", "0", "0", "0"),
]


@pytest.fixture(scope="session")
def built_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small tree (height 6) built through the CLI with a fixed nonce key."""
    d = tmp_path_factory.mktemp("tree")
    ledger = write_ledger(d / "ledger.csv", ROWS)
    result = build_tree(
        ledger, d / "out", "--height", "6", "--nonce-key", "00" * 32, snapshot_id="snap-1"
    )
    assert result.exit_code == 0, result.output
    return d


@pytest.fixture
def bob_proof(built_tree: Path) -> dict[str, Any]:
    result = run("tree", "proof", str(built_tree / "out"), "bob")
    assert result.exit_code == 0, result.output
    proof: dict[str, Any] = json.loads(result.stdout)
    return proof
