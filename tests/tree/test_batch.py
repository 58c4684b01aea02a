"""`por inclusion verify-all`: every proof of an export against the published root, on
every core, each failure named by its line."""

import json
from pathlib import Path

import pytest

from tests.tree.helpers import build_tree, run, write_ledger


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("batch")
    rows = [(f"u{i}", str(i), "0.5", "1") for i in range(300)]
    ledger = write_ledger(d / "l.csv", rows)
    assert build_tree(ledger, d / "t", "--height", "16", snapshot_id="s").exit_code == 0
    assert run("tree", "export", str(d / "t"), "--out", str(d / "all.jsonl")).exit_code == 0
    return d


def verify_all(d: Path, proofs: Path, *extra: str) -> tuple[int, str]:
    r = run("inclusion", "verify-all", str(proofs), "--root", str(d / "t" / "root.json"), *extra)
    return r.exit_code, r.stdout + r.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_every_exported_proof_is_included(export: Path, workers: str) -> None:
    code, output = verify_all(export, export / "all.jsonl", "--workers", workers)
    assert code == 0 and "300 of 300 proofs included" in output


def test_a_tampered_and_a_malformed_line_are_named(export: Path, tmp_path: Path) -> None:
    lines = (export / "all.jsonl").read_text().splitlines()
    bad = json.loads(lines[41])
    bad["siblings"][3]["sums"][0] = str(int(bad["siblings"][3]["sums"][0]) + 1)
    lines[41] = json.dumps(bad)
    lines[200] = lines[200].replace('"index":', '"index":-')
    (tmp_path / "p.jsonl").write_text("\n".join(lines) + "\n")
    code, output = verify_all(export, tmp_path / "p.jsonl")
    assert code == 1 and "298 of 300 proofs included" in output
    assert f"line 42: {bad['account_id']}: step 4 (root)" in output
    assert "line 201: malformed: line 201: index" in output


def test_another_published_root_fails_every_proof(export: Path) -> None:
    r = run("inclusion", "verify-all", str(export / "all.jsonl"), "--commitment", "ab" * 32)
    assert r.exit_code == 1 and "0 of 300 proofs included" in r.stdout and "step 6" in r.stdout


def test_the_published_value_is_required_once(export: Path) -> None:
    assert run("inclusion", "verify-all", str(export / "all.jsonl")).exit_code == 2
    r = run(
        "inclusion",
        "verify-all",
        str(export / "all.jsonl"),
        "--commitment",
        "ab",
        "--root",
        str(export / "t" / "root.json"),
    )
    assert r.exit_code == 2
