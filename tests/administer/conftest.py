"""What the administrator's tests share: a real `por verify` report of the demo, turned
into a report of a generated tree, and the plan made through the command line."""

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.tree.helpers import build_tree, run, write_ledger
from verifier.models.amounts import format_units

DEMO = ROOT / "fixtures" / "demo"
ASSETS = [("BTC", 8), ("ETH", 18), ("USDT", 6)]


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`por verify` of the demo exchange's short attestation, offline: it fails (USDC is
    short), which is when an administrator is called."""
    out = tmp_path_factory.mktemp("report") / "report.json"
    short = DEMO / "short"
    r = run(
        "verify",
        str(short / "attestation.json"),
        "--offline",
        str(short / "evidence.json"),
        "--json",
        str(out),
    )
    assert r.exit_code == 1, r.output
    return json.loads(out.read_text())


def make_tree(work: Path, rows: list[tuple[str, list[int]]], height: int = 8) -> Path:
    """A ledger of `rows` (account id, base units per asset of ASSETS) and its tree in
    work/tree, built by `por tree build` with random nonces."""
    ledger = write_ledger(
        work / "ledger.csv",
        [
            (a, *(format_units(v, d) for v, (_, d) in zip(units, ASSETS, strict=True)))
            for a, units in rows
        ],
    )
    r = build_tree(ledger, work / "tree", "--height", str(height))
    assert r.exit_code == 0, r.output
    return ledger


def report_for(
    template: dict[str, Any],
    tree: Path,
    held: Sequence[tuple[int | None, int | None]],
    prices: Sequence[str | None],
    reserve: str | None,
) -> dict[str, Any]:
    """The demo report made into one of `tree`: its commitment and liabilities, customer
    cold and hot holdings in base units (None: the report could not establish them), the
    prices, the liability reserve's available amount (None: not established)."""
    root = json.loads((tree / "root.json").read_text())
    report = json.loads(json.dumps(template))
    report["snapshot"]["liability_root_commitment"] = root["root_commitment"]
    line = template["assets"][0]
    report["assets"] = [
        {
            **line,
            "symbol": a["symbol"],
            "decimals": a["decimals"],
            "price": price,
            "liabilities": format_units(int(total), a["decimals"]),
            "customer_cold": None if cold is None else format_units(cold, a["decimals"]),
            "customer_hot": None if hot is None else format_units(hot, a["decimals"]),
        }
        for a, total, (cold, hot), price in zip(
            root["assets"], root["root"]["sums"], held, prices, strict=True
        )
    ]
    report["reserves"] = [{**template["reserves"][0], "available": reserve}]
    return report


def plan(
    work: Path, ledger: Path, report: Path, out: Path, *extra: str, tree: Path | None = None
) -> Any:
    return run(
        "administer",
        "plan",
        "--ledger",
        str(ledger),
        "--tree",
        str(tree or work / "tree"),
        "--report",
        str(report),
        "--out",
        str(out),
        *extra,
    )


def check(work: Path, ledger: Path, report: Path, plan_dir: Path) -> Any:
    return run(
        "administer",
        "check",
        str(plan_dir),
        "--ledger",
        str(ledger),
        "--tree",
        str(work / "tree"),
        "--report",
        str(report),
    )


def plan_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))
