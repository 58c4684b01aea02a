"""Build por-mst-v1 trees in tests through the project's own code paths."""

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from verifier.cli import app

ASSETS = "BTC:8,ETH:18,USDT:6"


def write_ledger(
    path: Path, rows: list[tuple[str, ...]], header: str = "account_id,BTC,ETH,USDT"
) -> Path:
    path.write_text(header + "\n" + "".join(",".join(r) + "\n" for r in rows))
    return path


def run(*args: str) -> Any:
    """Run `por ARGS` in-process; returns typer's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def build_tree(ledger: Path, out: Path, *extra: str, snapshot_id: str = "s1") -> Any:
    """`por tree build LEDGER --assets BTC:8,ETH:18,USDT:6 --snapshot-id ID --out OUT ...`."""
    return run(
        "tree",
        "build",
        str(ledger),
        "--assets",
        ASSETS,
        "--snapshot-id",
        snapshot_id,
        "--out",
        str(out),
        *extra,
    )


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())
