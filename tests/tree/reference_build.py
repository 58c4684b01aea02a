"""The in-memory tree builder the streaming one replaced, kept as the reference that
holds `verifier.tree.build` to byte-identical output (not shipped: tests only).

One R-byte record per account (hash || enc(balances)) in a numpy array, argsorted by
the first 8 bytes of the leaf hash (ties by ledger row), gathered into index order and
reduced level by level with `tests.tree.reference_levels.reduce_levels`; balances encoded, leaf
hashes and HMAC nonces computed in Python, one call per account, straight from the spec's functions.
accounts.sqlite in the schema of that builder: positions keyed by row.
"""

import hmac
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from tests.tree.reference_levels import SumOverflow, reduce_levels
from verifier.errors import InputError
from verifier.io.outputs import Outputs
from verifier.models.tree import FORMAT, TreeRoot
from verifier.tree.build import TREE_FILES, LeafSource, _nonce_rule
from verifier.tree.spec import asset_pairs, leaf_hash_encoded, root_commitment
from verifier.tree.store import header

GATHER_ROWS = 1 << 18
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE accounts (row INTEGER PRIMARY KEY, account_id TEXT NOT NULL, nonce BLOB NOT NULL);
CREATE TABLE positions (row INTEGER PRIMARY KEY, leaf INTEGER NOT NULL);
"""


def derive_nonce(key: bytes, snapshot_id: str, account_id: str) -> bytes:
    """nonce = HMAC-SHA256(key, snapshot_id || 0x00 || account_id), as hmac computes it."""
    return hmac.digest(key, snapshot_id.encode() + b"\0" + account_id.encode(), "sha256")


def reference_build(
    ledger: LeafSource, snapshot_id: str, height: int, out: Path, nonce_key: bytes
) -> TreeRoot:
    """root.json, tree.bin and accounts.sqlite of `ledger` in `out`, as the old builder
    wrote them (keyed nonces only: a random one could not be compared)."""
    with Outputs([], force=False, force_flag="--force") as outputs:
        outputs.add_directory(out, "--out", TREE_FILES)
        k = len(ledger.assets)
        n = ledger.count_rows()
        db = sqlite3.connect(outputs.temporary(out / "accounts.sqlite"))
        db.executescript(SCHEMA)
        width = 16 * k
        records = np.empty((n, 32 + width), np.uint8)
        for batch in ledger.batches():
            m = len(batch.account_ids)
            first = batch.first_row - 1
            nonces = [derive_nonce(nonce_key, snapshot_id, a) for a in batch.account_ids]
            sums = encode_columns(batch.balances)
            records[first : first + m, 32:] = sums
            flat = sums.tobytes()
            hashes = b"".join(
                leaf_hash_encoded(a, nonce, flat[i * width : (i + 1) * width])
                for i, (a, nonce) in enumerate(zip(batch.account_ids, nonces, strict=True))
            )
            records[first : first + m, :32] = np.frombuffer(hashes, np.uint8).reshape(m, 32)
            db.executemany(
                "INSERT INTO accounts VALUES (?, ?, ?)",
                zip(
                    range(batch.first_row, batch.first_row + m),
                    batch.account_ids,
                    nonces,
                    strict=True,
                ),
            )
        db.execute("CREATE UNIQUE INDEX accounts_id ON accounts(account_id)")
        keys = np.ascontiguousarray(records[:, :8]).view(">u8").ravel()
        order = np.argsort(keys, kind="stable")
        leaf_of_row = np.empty(n, np.int64)
        leaf_of_row[order] = np.arange(n)
        db.executemany(
            "INSERT INTO positions VALUES (?, ?)",
            zip(range(1, n + 1), map(int, leaf_of_row), strict=True),
        )
        with open(outputs.temporary(out / "tree.bin"), "wb") as sink:
            sink.write(header(height, k, n))
            try:
                root = reduce_levels(_gather(records, order), n, height, k, sink)
            except SumOverflow as e:
                raise InputError(
                    str(ledger.path),
                    f"column {ledger.assets[e.asset].symbol}",
                    "the total reaches 2^128 base units, more than por-mst-v1 can hold",
                ) from None
        root_hash, root_sums = bytes(root[:32]), bytes(root[32:])
        assets = ledger.assets
        commitment = root_commitment(snapshot_id, height, asset_pairs(assets), root_hash, root_sums)
        root_file = TreeRoot.from_parts(
            snapshot_id, height, assets, root_hash, root_sums, commitment, n
        )
        meta = {
            "format": FORMAT,
            "snapshot_id": snapshot_id,
            "height": str(height),
            "root_commitment": commitment.hex(),
            "negatives_zeroed": str(ledger.negatives_zeroed),
            "nonces": _nonce_rule(nonce_key),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.commit()
        db.close()
        outputs.stage(out / "root.json", (root_file.model_dump_json(indent=2) + "\n").encode())
    return root_file


def encode_columns(columns: list[list[int]]) -> np.ndarray:
    """Balances given per asset column -> one row of enc(balances) per account."""
    m = len(columns[0])
    out = np.empty((m, 16 * len(columns)), np.uint8)
    for j, column in enumerate(columns):
        encoded = b"".join([v.to_bytes(16, "big") for v in column])
        out[:, 16 * j : 16 * j + 16] = np.frombuffer(encoded, np.uint8).reshape(m, 16)
    return out


def _gather(records: np.ndarray, order: np.ndarray) -> Iterator[np.ndarray]:
    for start in range(0, len(order), GATHER_ROWS):
        yield records[order[start : start + GATHER_ROWS]]
