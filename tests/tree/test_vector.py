"""The spec's worked vector: verified, and reproduced byte for byte by our own builder
and proof cutter (the vector's leaves were recovered: alice, bob and carol with nonces
0x11.., 0x22.., 0x33..; their balances are those the vector's sums imply)."""

import io
import json
from pathlib import Path

import numpy as np

from tests.tree.reference_levels import reduce_levels
from verifier.models.asset import AssetSpec
from verifier.models.proof import parse_proof
from verifier.models.tree import TreeRoot
from verifier.tree._fastverify import Reducer
from verifier.tree.prove import Cutter, proof_json, proof_json_line
from verifier.tree.spec import asset_pairs, empty_hashes, enc, leaf_hash, root_commitment
from verifier.tree.store import HEADER, TreeFile, header, level_counts
from verifier.tree.verify import verify_proof

ASSETS = [
    AssetSpec(symbol="BTC", decimals=8),
    AssetSpec(symbol="ETH", decimals=18),
    AssetSpec(symbol="USDT", decimals=6),
]
LEAVES = [
    ("alice", 0x11, [150000000, 2000000000000000000, 0]),
    ("bob", 0x22, [0, 500000000000000000, 1234500000]),
    ("carol", 0x33, [1, 0, 0]),
]


def vector_text(shared: Path) -> str:
    return (shared / "spec" / "por-mst-v1-vector-1.json").read_text()


def test_empty_subtree_hashes_match_the_spec() -> None:
    e = empty_hashes(1, 3)
    assert e[0].hex().startswith("dbc1b4c9") and e[0].hex().endswith("d986")
    assert e[1].hex().startswith("924c449a") and e[1].hex().endswith("372f")


def test_vector_verifies_against_its_published_commitment(shared: Path) -> None:
    proof = parse_proof(vector_text(shared), "vector")
    verdict = verify_proof(proof, proof["root_commitment"])
    assert verdict.included and verdict.compared and verdict.failure is None


def test_builder_and_cutter_reproduce_the_vector_byte_for_byte(
    shared: Path, tmp_path: Path
) -> None:
    record = 32 + 16 * len(ASSETS)
    level0 = np.zeros((len(LEAVES), record), np.uint8)
    for i, (name, nonce, balances) in enumerate(LEAVES):
        level0[i] = np.frombuffer(
            leaf_hash(name, bytes([nonce]) * 32, balances) + enc(balances), np.uint8
        )
    buf = io.BytesIO()
    buf.write(header(4, 3, len(LEAVES)))
    top = reduce_levels([level0], len(LEAVES), 4, 3, buf)
    (tmp_path / "tree.bin").write_bytes(buf.getvalue())
    root_hash, root_sums = bytes(top[:32]), bytes(top[32:])
    commitment = root_commitment("vector-1", 4, asset_pairs(ASSETS), root_hash, root_sums)
    root = TreeRoot.from_parts("vector-1", 4, ASSETS, root_hash, root_sums, commitment, len(LEAVES))
    tree = TreeFile(tmp_path / "tree.bin")
    cutter = Cutter(tree, "vector-1", ASSETS, root.root.as_json(), commitment.hex())
    (line,) = cutter.rows([("bob", 1, bytes([0x22]) * 32)])
    tree.close()
    assert proof_json(json.loads(line)) == vector_text(shared)
    assert line == proof_json_line(json.loads(line))


def test_the_compiled_reducer_writes_the_vectors_tree(tmp_path: Path) -> None:
    """The streaming builder's reducer, fed the vector's leaves one at a time, writes the
    tree.bin (and so the proofs) that the test above reproduces the vector from."""
    record = 32 + 16 * len(ASSETS)
    leaves = [
        leaf_hash(name, bytes([nonce]) * 32, balances) + enc(balances)
        for name, nonce, balances in LEAVES
    ]
    expected = io.BytesIO()
    expected.write(header(4, 3, len(LEAVES)))
    top = reduce_levels(
        [np.frombuffer(b"".join(leaves), np.uint8).reshape(-1, record)], len(LEAVES), 4, 3, expected
    )
    counts = level_counts(len(LEAVES), 4)
    offsets = np.cumsum([HEADER] + [c * record for c in counts[:-1]]).astype("<u8")
    with open(tmp_path / "tree.bin", "wb") as sink:
        sink.write(header(4, 3, len(LEAVES)))
        sink.flush()
        reducer = Reducer(
            sink.fileno(),
            offsets.tobytes(),
            np.array(counts, "<u8").tobytes(),
            b"".join(empty_hashes(4, 3)[:4]),
            3,
        )
        for leaf in leaves:
            reducer.push(leaf)
        assert reducer.finish() == bytes(top)
    assert (tmp_path / "tree.bin").read_bytes() == expected.getvalue()
