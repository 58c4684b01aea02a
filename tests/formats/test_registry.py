"""The registry: our own format is one registered format among the vendors', found
by shape, and its verdict is the lead's verifier's, unchanged."""

import json
from pathlib import Path

from tests.formats.conftest import run
from verifier.models.proof import parse_proof
from verifier.tree.formats import BY_NAME, FORMATS, verify_file
from verifier.tree.formats.source import load
from verifier.tree.verify import verify_proof


def vector(shared: Path, tmp_path: Path) -> Path:
    p = tmp_path / "anything.bin"  # the name says nothing: the shape decides
    p.write_text((shared / "spec" / "por-mst-v1-vector-1.json").read_text())
    return p


def test_every_format_is_registered_once() -> None:
    assert list(BY_NAME) == [
        "por-mst-v1",
        "okx-v1",
        "okx-full-tree",
        "bybit",
        "mexc",
        "bitget",
        "bitunix",
        "coinex",
        "binance-2022",
        "bitmex",
    ]
    assert len(FORMATS) == len(BY_NAME)


def test_por_mst_v1_through_the_registry_is_the_leads_verdict(shared: Path, tmp_path: Path) -> None:
    p = vector(shared, tmp_path)
    commitment = json.loads(p.read_text())["root_commitment"]
    mine = verify_file(p, commitment=commitment)
    theirs = verify_proof(parse_proof(p.read_text(), str(p)), commitment)
    assert (mine.format, mine.included, mine.root, mine.failure) == (
        theirs.format,
        theirs.included,
        theirs.root,
        theirs.failure,
    )
    # The verdict no longer carries a warning list of its own: an uncompared root is the
    # verdict itself now (inconclusive, issue 10), and por-mst-v1 has no weakness to list.
    assert mine.balances == theirs.balances and mine.weaknesses == []
    assert mine.compared == theirs.compared is True and mine.exit_code == 0
    assert run(str(p), "--format", "por-mst-v1", "--commitment", commitment).exit_code == 0


def test_each_shape_is_claimed_by_exactly_one_format(shared: Path, tmp_path: Path) -> None:
    external = shared / "external"
    for path, name in [
        (vector(shared, tmp_path), "por-mst-v1"),
        (external / "okx" / "v1_merkle_proof_file.json", "okx-v1"),
        (external / "mexc" / "merkle_proof.json", "mexc"),
        (external / "bybit" / "mock_user_merkle_tree_path_40.json", "bybit"),
    ]:
        doc = load(path)
        assert [f.NAME for f in FORMATS if f.detect(doc)] == [name]


def test_unknown_shape_and_bad_commitment_exit_2(shared: Path, tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text('{"hello": 1}')
    r = run(str(p))
    assert r.exit_code == 2 and "not a file of any known format" in r.stderr
    r = run(str(vector(shared, tmp_path)), "--commitment", "zz")
    assert r.exit_code == 2 and "--commitment: not hex" in r.stderr
    r = run(str(vector(shared, tmp_path)), "--commitment", "abcd")
    assert r.exit_code == 2 and "not 32 bytes of hex" in r.stderr
    r = run(str(tmp_path / "missing.json"))
    assert r.exit_code == 2 and "missing.json" in r.stderr
