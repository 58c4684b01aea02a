"""Building trees: round trips, reproducibility, and every bad-ledger case."""

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tree.helpers import build_tree, load, run, write_ledger
from tests.tree.reference_build import derive_nonce
from verifier.models.amounts import format_units, parse_units
from verifier.models.proof import parse_proof
from verifier.tree.prove import Prover, proof_json_line
from verifier.tree.verify import verify_proof

SPEC_KEYS = (
    "format",
    "snapshot_id",
    "height",
    "assets",
    "account_id",
    "nonce",
    "balances",
    "index",
    "siblings",
    "root",
    "root_commitment",
)

DECIMALS = (8, 18, 6)


def build(tmp_path: Path, ledger: Path, *extra: str) -> tuple[int, str, str]:
    r = build_tree(ledger, tmp_path / "out", *extra)
    return r.exit_code, r.stdout, r.stderr


amounts = st.tuples(
    *(st.integers(0, 10**30).map(lambda v, d=d: format_units(v, d)) for d in DECIMALS)
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    balances=st.lists(amounts, min_size=1, max_size=40),
    height=st.integers(6, 12),
    keyed=st.booleans(),
)
def test_every_proof_of_a_random_ledger_verifies(
    tmp_path: Path, balances: list[tuple[str, str, str]], height: int, keyed: bool
) -> None:
    rows = [(f"user-{i}", *b) for i, b in enumerate(balances)]
    ledger = write_ledger(tmp_path / "ledger.csv", rows)
    extra = ["--height", str(height)] + (["--nonce-key", "ab" * 32] if keyed else [])
    # hypothesis reuses tmp_path across examples: the previous example's tree is in
    # out/, and build now refuses an existing tree unless --force (its nonces would be lost)
    code, _, stderr = build(tmp_path, ledger, *extra, "--force")
    assert code == 0, stderr
    assert stderr == ""  # no progress bar when stderr is not a terminal
    root = load(tmp_path / "out" / "root.json")
    assert root["account_count"] == len(rows)
    for i, d in enumerate(DECIMALS):
        assert int(root["root"]["sums"][i]) == sum(parse_units(r[i + 1], d) for r in rows)
    prover = Prover(tmp_path / "out")
    indices = set()
    for account_id, *_ in rows:
        proof = parse_proof(json.dumps(prover.proof(account_id)), account_id)
        verdict = verify_proof(proof, root["root_commitment"])
        assert verdict.included, verdict.failure
        indices.add(proof["index"])
    assert indices == set(range(len(rows)))  # leaves packed at 0..n-1, in shuffled order


def test_nonce_key_makes_the_tree_reproducible_and_random_nonces_do_not(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "l.csv", [(f"u{i}", "1", "2", "3") for i in range(50)])
    commitments = []
    for out, key in (("a", "11" * 32), ("b", "11" * 32), ("c", None), ("d", None)):
        r = build_tree(ledger, tmp_path / out, *(["--nonce-key", key] if key else []))
        assert r.exit_code == 0
        commitments.append(load(tmp_path / out / "root.json")["root_commitment"])
    assert commitments[0] == commitments[1]
    assert len({commitments[0], commitments[2], commitments[3]}) == 3
    proof = Prover(tmp_path / "a").proof("u7")
    assert proof["nonce"] == derive_nonce(bytes.fromhex("11" * 32), "s1", "u7").hex()


def test_order_is_shuffled_not_ledger_order(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "l.csv", [(f"u{i}", "1", "0", "0") for i in range(64)])
    assert build(tmp_path, ledger, "--nonce-key", "22" * 32)[0] == 0
    prover = Prover(tmp_path / "out")
    indices = [prover.proof(f"u{i}")["index"] for i in range(64)]
    assert sorted(indices) == list(range(64)) and indices != list(range(64))


def test_parquet_ledger_gives_the_same_tree_as_csv(tmp_path: Path) -> None:
    rows = [("alice", "1.5", "0", "100"), ("bob", "0", "0.5", "1234.5")]
    csv = write_ledger(tmp_path / "l.csv", rows)
    table = pa.table(
        {c: [r[i] for r in rows] for i, c in enumerate(["account_id", "BTC", "ETH", "USDT"])}
    )
    pq.write_table(table, tmp_path / "l.parquet")
    for name, ledger in (("csv", csv), ("pq", tmp_path / "l.parquet")):
        r = build_tree(ledger, tmp_path / name, "--nonce-key", "33" * 32, snapshot_id="s")
        assert r.exit_code == 0, r.output
    assert load(tmp_path / "csv" / "root.json") == load(tmp_path / "pq" / "root.json")


def test_float_parquet_columns_are_refused(tmp_path: Path) -> None:
    table = pa.table({"account_id": ["a"], "BTC": [0.1], "ETH": ["0"], "USDT": ["0"]})
    pq.write_table(table, tmp_path / "l.parquet")
    code, _, stderr = build(tmp_path, tmp_path / "l.parquet")
    assert code == 2 and "column BTC" in stderr and "exactly" in stderr


@pytest.mark.parametrize(
    ("header", "rows", "expect"),
    [
        (
            None,
            [("a", "1", "1", "1"), ("b", "1", "1", "1"), ("a", "2", "2", "2")],
            "rows 1, 3, column account_id: duplicate account id 'a'",
        ),
        (
            "account_id,BTC,ETH,USDT,DOGE",
            [("a", "1", "1", "1", "1")],
            "column DOGE: not one of the tree's assets",
        ),
        ("account_id,BTC,ETH", [("a", "1", "1")], "column USDT: missing"),
        (
            "id,BTC,ETH,USDT",
            [("a", "1", "1", "1")],
            "header: the first column must be 'account_id'",
        ),
        (
            None,
            [("a", "1", "1", "1"), ("b", "0.123456789", "0", "0")],
            "row 2, column BTC: '0.123456789' has more than 8 decimals",
        ),
        (
            None,
            [("a", "1", "1", "1"), ("b", "0", "abc", "0")],
            "row 2, column ETH: not a number: 'abc'",
        ),
        (None, [("a", "1e3", "1", "1")], "row 1, column BTC: not a number"),
        (None, [("a", "1", "1", "")], "row 1, column USDT: empty value"),
        (
            None,
            [("a", "0", "0", str(2**128 // 10**6 + 1))],
            "row 1, column USDT: '" + str(2**128 // 10**6 + 1) + "' is 2^128 base units or more",
        ),
        (None, [("a", "0", "-0.5", "0")], "row 1, column ETH: negative balance -0.5"),
        (
            None,
            [("a", "1", "1", "1"), ("", "1", "1", "1")],
            "row 2, column account_id: empty account id",
        ),
        (None, [("a", "1", "1")], "line 2 has 3 fields, the header 4"),
    ],
)
def test_bad_ledgers_give_one_line_naming_row_and_column(
    tmp_path: Path, header: str | None, rows: list[tuple[str, ...]], expect: str
) -> None:
    ledger = write_ledger(tmp_path / "bad.csv", rows, *([header] if header else []))
    code, _, stderr = build(tmp_path, ledger)
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.csv" in lines[0] and expect in lines[0], stderr
    assert not (tmp_path / "out" / "root.json").exists()


def test_tree_too_small_is_refused_before_any_hashing(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "l.csv", [(f"u{i}", "1", "1", "1") for i in range(5)])
    code, _, stderr = build(tmp_path, ledger, "--height", "2")
    assert code == 2 and "5 accounts do not fit a tree of height 2 (capacity 4)" in stderr
    assert build(tmp_path, ledger, "--height", "3")[0] == 0


def test_totals_overflowing_2_to_the_128_are_refused(tmp_path: Path) -> None:
    big = str((2**128 - 1) // 10**6)
    ledger = write_ledger(tmp_path / "l.csv", [("a", "0", "0", big), ("b", "0", "0", big)])
    code, _, stderr = build(tmp_path, ledger, "--height", "4")
    assert code == 2 and "column USDT: the total reaches 2^128" in stderr


def test_negative_zero_counts_debt_as_zero_and_reports_it(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "l.csv", [("a", "-1", "2", "3"), ("b", "1", "-0.1", "0")])
    code, stdout, _ = build(tmp_path, ledger, "--negative", "zero", "--height", "4")
    assert code == 0 and "2 negative balances counted as zero" in stdout
    assert load(tmp_path / "out" / "root.json")["root"]["sums"] == [
        "100000000",
        "2000000000000000000",
        "3000000",
    ]


def test_missing_ledger_and_bad_options(tmp_path: Path) -> None:
    assert "no such file" in build(tmp_path, tmp_path / "nope.csv")[2]
    ledger = write_ledger(tmp_path / "l.csv", [("a", "1", "1", "1")])
    assert build(tmp_path, ledger, "--height", "65")[0] == 2
    assert "--nonce-key" in build(tmp_path, ledger, "--nonce-key", "zz")[2]
    r = run(
        "tree",
        "build",
        str(ledger),
        "--assets",
        "BTC:8,ETH",
        "--snapshot-id",
        "s",
        "--out",
        str(tmp_path),
    )
    assert r.exit_code == 2 and "--assets: item 2" in r.stderr


def test_proof_and_export(tmp_path: Path) -> None:
    rows = [(f"u{i}", "1", "0", "0") for i in range(10)]
    ledger = write_ledger(tmp_path / "l.csv", rows)
    assert build(tmp_path, ledger, "--height", "8")[0] == 0
    out = tmp_path / "out"
    r = run("tree", "export", str(out), "--out", str(tmp_path / "all.jsonl"))
    assert r.exit_code == 0 and "wrote 10 proofs" in r.stdout
    lines = (tmp_path / "all.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["account_id"] for line in lines) == sorted(r[0] for r in rows)
    (tmp_path / "some.txt").write_text("u3\nu5\n")
    r = run(
        "tree",
        "export",
        str(out),
        "--out",
        str(tmp_path / "some.jsonl"),
        "--accounts",
        str(tmp_path / "some.txt"),
    )
    assert [
        json.loads(x)["account_id"] for x in (tmp_path / "some.jsonl").read_text().splitlines()
    ] == ["u3", "u5"]
    r = run("tree", "proof", str(out), "nobody")
    assert r.exit_code == 2 and "no account 'nobody'" in r.stderr


def test_export_lines_are_spelled_as_json_dumps_spells_the_proof(tmp_path: Path) -> None:
    """The cutter writes its lines itself: each must be exactly what json.dumps makes of
    the proof it holds (spec key order, compact, text unescaped), whatever the ids are,
    and hold the proof of that account."""
    ids = ["plain", "ü-ß", "日本", "back\\slash", "sp ace", "[bold]x"]
    ledger = write_ledger(tmp_path / "l.csv", [(a, "1", "0", str(i)) for i, a in enumerate(ids)])
    assert build(tmp_path, ledger, "--height", "5")[0] == 0
    out = tmp_path / "out"
    (tmp_path / "some.txt").write_text("\n".join(reversed(ids)) + "\n")
    for extra in ([], ["--accounts", str(tmp_path / "some.txt")]):
        r = run("tree", "export", str(out), "--out", str(tmp_path / "p.jsonl"), "--force", *extra)
        assert r.exit_code == 0, r.output
        lines = (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        assert sorted(json.loads(line)["account_id"] for line in lines) == sorted(ids)
        commitment = load(out / "root.json")["root_commitment"]
        for line in lines:
            proof = json.loads(line)
            assert list(proof) == list(SPEC_KEYS) and line == proof_json_line(proof)
            assert verify_proof(parse_proof(line, "line"), commitment).included
    assert [json.loads(line)["account_id"] for line in lines] == list(reversed(ids))


def test_account_ids_are_shown_as_text_not_terminal_markup(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "l.csv", [("[bold]alice", "1", "0", "0")])
    assert build(tmp_path, ledger, "--height", "2")[0] == 0
    proof = tmp_path / "p.json"
    proof.write_text(run("tree", "proof", str(tmp_path / "out"), "[bold]alice").stdout)
    r = run("inclusion", "verify", str(proof), "--root", str(tmp_path / "out" / "root.json"))
    assert r.exit_code == 0 and "account [bold]alice: BTC 1," in r.stdout


def test_a_terminal_gets_a_progress_bar(tmp_path: Path) -> None:
    """With stderr on a terminal (a pseudo-terminal here) the build shows its phases."""
    ledger = write_ledger(tmp_path / "l.csv", [(f"u{i}", "1", "0", "0") for i in range(3000)])
    main, follower = pty.openpty()
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "verifier",
            "tree",
            "build",
            str(ledger),
            "--assets",
            "BTC:8,ETH:18,USDT:6",
            "--snapshot-id",
            "s",
            "--out",
            str(tmp_path / "out"),
        ],
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "COLUMNS": "120"},
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    assert p.wait(timeout=60) == 0
    assert b"reading ledger and hashing leaves" in shown and b"3000/3000" in shown


@pytest.mark.parametrize("command", ["build", "audit"])
def test_a_negative_rule_that_cannot_apply_is_refused(tmp_path: Path, command: str) -> None:
    """Never taken for the default 'error': the user asked for something else."""
    ledger = write_ledger(tmp_path / "l.csv", [("a", "1", "1", "1")])
    assert build(tmp_path, ledger, "--height", "2")[0] == 0
    out = tmp_path / "out"
    where = (
        ["--assets", "BTC:8,ETH:18,USDT:6", "--snapshot-id", "s", "--out", str(tmp_path / "b")]
        if command == "build"
        else ["--root", str(out / "root.json"), "--accounts", str(out / "accounts.sqlite")]
    )
    r = run("tree", command, str(ledger), *where, "--negative", "bogus")
    assert r.exit_code == 2
    assert r.stderr == "por: error: --negative: 'bogus' is not 'error' or 'zero'\n"
