"""`por ownership verify` end to end: JSON and CSV files, exit codes, one-line errors."""

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.ownership.test_more_chains import raw_keccak_proof, tron_proof
from tests.ownership.vectors import EXCHANGE, SNAPSHOT_ID, all_vectors
from verifier.cli import app
from verifier.io.ownership import COLUMNS
from verifier.models.ownership import OwnershipClaim

VECTORS = all_vectors()
ROWS = [VECTORS[n] for n in sorted(VECTORS)]


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["ownership", "verify", *args], catch_exceptions=False)


def write_json(path: Path, proofs: list[OwnershipClaim]) -> Path:
    path.write_text(json.dumps([p.model_dump(exclude_none=True) for p in proofs], indent=1))
    return path


def write_csv(path: Path, proofs: list[OwnershipClaim]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for p in proofs:
            writer.writerow({k: v or "" for k, v in p.model_dump().items()})
    return path


@pytest.mark.parametrize("writer", [write_json, write_csv])
def test_every_row_verified_exits_0(tmp_path: Path, writer: Any) -> None:
    path = writer(tmp_path / "proofs", ROWS)
    result = run(str(path), "--exchange", EXCHANGE, "--snapshot-id", SNAPSHOT_ID)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert sum(line.startswith("verified") for line in lines) == len(ROWS)
    assert lines[-1] == f"{len(ROWS)} verified, 0 failed, 0 inconclusive"


def test_csv_from_a_spreadsheet_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", ROWS[:2])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run(str(path)).exit_code == 0


def test_one_failed_row_exits_1_and_says_why(tmp_path: Path) -> None:
    bad = ROWS[0].model_copy(update={"message": ROWS[0].message.replace(EXCHANGE, "other")})
    path = write_json(tmp_path / "p.json", [bad, *ROWS[1:]])
    result = run(str(path), "--exchange", EXCHANGE, "--snapshot-id", SNAPSHOT_ID)
    assert result.exit_code == 1
    failed = [line for line in result.output.splitlines() if line.startswith("failed")]
    assert failed == [
        f"failed       ownership {bad.chain} {bad.address}: message names exchange "
        f"'other', not '{EXCHANGE}'"
    ]


def test_json_output_is_one_result_per_row(tmp_path: Path) -> None:
    path = write_json(tmp_path / "p.json", ROWS[:3])
    result = run(str(path), "--json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert [r["status"] for r in doc] == ["pass"] * 3
    assert all(r["evidence"]["scheme"] for r in doc)


def test_legacy_phrase_needs_the_flag(tmp_path: Path) -> None:
    proof = OwnershipClaim(
        chain="bitcoin",
        address="16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM",
        message="vires is numeris",
        signature="G8JawPtQOrybrSP1WHQnQPr67B9S3qrxBrl1mlzoTJOSHEpmnF7D3+t+LX0Xei9J20B5AIdPbeL3AaTBZ4N3bY0=",
    )
    path = write_json(tmp_path / "p.json", [proof])
    assert run(str(path)).exit_code == 1
    accepted = run(str(path), "--legacy-message")
    assert accepted.exit_code == 0
    assert "warning: legacy message" in accepted.output


@pytest.mark.parametrize(
    ("content", "expected"),
    # Field paths are written as everywhere else ([0].chain, 0-based as JSON paths are;
    # "line 2, column x" in a CSV); the first missing field is the first of the model.
    [
        ("[{}]", "p.json: [0].message: required field is missing"),
        (
            '[{"chain": "cardano", "address": "a", "message": "m", "signature": "s"}]',
            "p.json: [0].chain: Input should be 'bitcoin', 'ethereum', 'tron', 'dogecoin', "
            "'litecoin', 'solana', 'aptos' or 'ton'",
        ),
        (
            '[{"chain": "bitcoin", "address": "a", "message": "m", "signature": "s", '
            '"script": "zz"}]',
            "p.json: [0].script: is not hex",
        ),
        (
            '[{"chain": "bitcoin", "address": "a", "message": "m", "signature": "s", "x": 1}]',
            "p.json: [0].x: unknown field",
        ),
        ("[]", "p.json: no proofs in the file"),
        ("[1", "p.json: not valid JSON (Expecting ',' delimiter, line 1)"),
        ('{"chain": "bitcoin"}', "p.json: must be a JSON list of proof objects"),
        ("chain,address,message\n", "p.json: header: missing column(s) signature"),
        ("chain,address,message,signature,extra\n", "p.json: header: unknown column(s) extra"),
        (
            "chain,address,message,signature\nbitcoin,a,m,s,x\n",
            "p.json: line 2: more cells than columns",
        ),
    ],
)
def test_bad_files_give_one_line_and_exit_2(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(content)
    result = run(str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"por: error: {tmp_path}/{expected}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_eth_rpc_needs_a_snapshot(tmp_path: Path) -> None:
    path = write_json(tmp_path / "p.json", ROWS[:1])
    result = run(str(path), "--eth-rpc", "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "give both or neither" in result.stderr
    bad = run(str(path), "--eth-rpc", "http://127.0.0.1:9", "--snapshot", "12:0xabc")
    assert bad.exit_code == 2
    assert "--snapshot" in bad.stderr


def test_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text("[{}]")
    done = subprocess.run(
        [sys.executable, "-m", "verifier", "ownership", "verify", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == f"por: error: {path}: [0].message: required field is missing\n"


def test_raw_keccak_needs_legacy_message_and_is_marked_weaker(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [raw_keccak_proof(), tron_proof("v2")])
    strict = run(str(path), "--exchange", EXCHANGE, "--snapshot-id", SNAPSHOT_ID)
    assert strict.exit_code == 1, strict.output
    legacy = run(str(path), "--legacy-message", "--json")
    assert legacy.exit_code == 0, legacy.output
    results = json.loads(legacy.output)
    assert "weaker" in results[0]["evidence"]
    assert results[1]["evidence"]["scheme"] == "TronWeb signMessageV2"


def test_unknown_network_of_a_new_chain_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('[{"chain": "tron:nile", "address": "a", "message": "m", "signature": "s"}]')
    result = run(str(path))
    assert result.exit_code == 2
    assert "[0].chain: Input should be" in result.output
