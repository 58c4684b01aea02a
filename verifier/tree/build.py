"""Build a por-mst-v1 tree from a ledger, streaming, into DIR/{root.json,tree.bin,accounts.sqlite}.

Memory: one R-byte record per account (hash || enc(balances)) in a numpy array plus
the half-size level above it; no Python object per leaf survives a batch.

Shuffle: leaf index = rank of the account's leaf hash (ties, which need a SHA-256
collision on 64 bits, by ledger row). The leaf hash is random under the secret nonce
and already public in the tree, so the order reveals nothing about sign-up order or
the nonce, costs no extra hash, and is reproducible under --nonce-key.
"""

import hmac
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from verifier.errors import InputError, OptionError
from verifier.io.ledger import LedgerBatch
from verifier.io.outputs import Outputs
from verifier.models.amounts import format_units
from verifier.models.asset import AssetSpec
from verifier.models.tree import FORMAT, MAX_HEIGHT, TreeRoot
from verifier.tree.levels import Progress, SumOverflow, encode_columns, reduce_levels
from verifier.tree.spec import asset_pairs, leaf_hash_encoded, root_commitment
from verifier.tree.store import AccountsWriter, header

GATHER_ROWS = 1 << 18  # leaves gathered into index order per step: bounds the extra memory
# The files of a built tree, in the order they are put in place: root.json last, since
# its presence is what says the tree is whole (see Outputs.add_directory).
TREE_FILES = ("tree.bin", "accounts.sqlite", "root.json")


class LeafSource(Protocol):
    """What the builder reads accounts from: a ledger file (`verifier.io.ledger.Ledger`),
    or balances a command computed itself (the administrator's entitlements). `path`
    names the accounts' source in errors; `rows` is what `batches` has yielded so far."""

    path: Path
    assets: list[AssetSpec]
    rows: int
    negatives_zeroed: int

    def count_rows(self) -> int: ...

    def batches(self) -> Iterator[LedgerBatch]: ...


@dataclass(frozen=True)
class DerivedNonces:
    """Nonces the caller derives itself, per batch, and the rule it follows (kept in
    accounts.sqlite's meta, so that whoever holds the file knows how to recompute them)."""

    rule: str
    of: Callable[[LedgerBatch], list[bytes]]


@dataclass(frozen=True)
class BuildResult:
    root: TreeRoot
    negatives_zeroed: int


def derive_nonce(key: bytes, snapshot_id: str, account_id: str) -> bytes:
    """nonce = HMAC-SHA256(key, snapshot_id || 0x00 || account_id): one secret serves every snapshot."""
    return hmac.digest(key, snapshot_id.encode() + b"\0" + account_id.encode(), "sha256")


def build_tree(
    ledger: LeafSource,
    snapshot_id: str,
    height: int,
    out: Path,
    nonce_key: bytes | DerivedNonces | None = None,
    progress: Progress | None = None,
    *,
    outputs: Outputs,
) -> BuildResult:
    """Build the tree of `ledger` into temporaries of `outputs`, on which the caller
    declared `out` (`add_directory(out, flag, TREE_FILES)`, checked before any work)
    and which it commits once the build returned: a build that fails or is killed
    leaves no tree behind, and an old tree in `out` stays whole until then.

    Nonces: random without `nonce_key`, HMAC-derived from a key (`derive_nonce`), or
    the caller's own (`DerivedNonces`)."""
    if not 1 <= height <= MAX_HEIGHT:
        raise OptionError("height", f"{height} is not between 1 and {MAX_HEIGHT}")
    if len(snapshot_id.encode()) > 65535:
        raise OptionError("snapshot_id", "longer than 65535 bytes")
    assets = ledger.assets
    k = len(assets)
    n = ledger.count_rows()
    if n == 0:
        raise InputError(str(ledger.path), None, "the ledger has no accounts")
    if n > 1 << height:
        raise InputError(
            str(ledger.path),
            None,
            f"{n} accounts do not fit a tree of height {height} (capacity {1 << height})",
        )
    accounts = AccountsWriter(outputs.temporary(out / "accounts.sqlite"))
    records = _leaf_records(ledger, n, snapshot_id, nonce_key, accounts, progress)
    duplicate = accounts.duplicate()
    if duplicate:
        account_id, rows = duplicate
        raise InputError(
            str(ledger.path),
            f"rows {', '.join(map(str, rows))}, column account_id",
            f"duplicate account id {account_id!r}",
        )
    keys = np.ascontiguousarray(records[:, :8]).view(">u8").ravel()
    order = np.argsort(keys, kind="stable")  # order[leaf] = ledger row - 1
    del keys
    leaf_of_row = np.empty(n, np.int64)
    leaf_of_row[order] = np.arange(n)
    accounts.positions(leaf_of_row)
    del leaf_of_row
    # From here on only the generator holds the leaf records, so they are freed as
    # soon as the leaf level has been hashed: the peak is leaves + level 1, not more.
    level0 = _gather(records, order)
    del records, order
    with open(outputs.temporary(out / "tree.bin"), "wb") as sink:
        sink.write(header(height, k, n))
        try:
            root = reduce_levels(level0, n, height, k, sink, progress)
        except SumOverflow as e:
            raise InputError(
                str(ledger.path),
                f"column {assets[e.asset].symbol}",
                "the total reaches 2^128 base units, more than por-mst-v1 can hold",
            ) from None
    root_hash, root_sums = bytes(root[:32]), bytes(root[32:])
    commitment = root_commitment(snapshot_id, height, asset_pairs(assets), root_hash, root_sums)
    root_file = TreeRoot.from_parts(
        snapshot_id, height, assets, root_hash, root_sums, commitment, n
    )
    accounts.finish(
        {
            "format": FORMAT,
            "snapshot_id": snapshot_id,
            "height": str(height),
            "root_commitment": commitment.hex(),
            "negatives_zeroed": str(ledger.negatives_zeroed),
            "nonces": _nonce_rule(nonce_key),
        }
    )
    outputs.stage(out / "root.json", (root_file.model_dump_json(indent=2) + "\n").encode())
    return BuildResult(root_file, ledger.negatives_zeroed)


def _nonce_rule(nonce_key: bytes | DerivedNonces | None) -> str:
    if isinstance(nonce_key, DerivedNonces):
        return nonce_key.rule
    return "hmac-sha256(key, snapshot_id || 0x00 || account_id)" if nonce_key else "random"


def _leaf_records(
    ledger: LeafSource,
    n: int,
    snapshot_id: str,
    nonce_key: bytes | DerivedNonces | None,
    accounts: AccountsWriter,
    progress: Progress | None,
) -> np.ndarray:
    k = len(ledger.assets)
    width = 16 * k
    records = np.empty((n, 32 + width), np.uint8)
    for batch in ledger.batches():
        m = len(batch.account_ids)
        first = batch.first_row - 1
        if isinstance(nonce_key, DerivedNonces):
            nonces = nonce_key.of(batch)
        elif nonce_key is None:
            pool = secrets.token_bytes(32 * m)
            nonces = [pool[i : i + 32] for i in range(0, 32 * m, 32)]
        else:
            nonces = [derive_nonce(nonce_key, snapshot_id, a) for a in batch.account_ids]
        sums = encode_columns(batch.balances)
        records[first : first + m, 32:] = sums
        flat = sums.tobytes()
        hashes = b"".join(
            [
                leaf_hash_encoded(a, nonce, flat[i * width : (i + 1) * width])
                for i, (a, nonce) in enumerate(zip(batch.account_ids, nonces, strict=True))
            ]
        )
        records[first : first + m, :32] = np.frombuffer(hashes, np.uint8).reshape(m, 32)
        accounts.add(batch.first_row, batch.account_ids, nonces)
        if progress:
            progress("reading ledger and hashing leaves", first + m, n)
    if ledger.rows != n:
        raise InputError(
            str(ledger.path),
            None,
            f"the ledger changed while it was read ({ledger.rows} rows, then {n})",
        )
    return records


def _gather(records: np.ndarray, order: np.ndarray) -> Iterator[np.ndarray]:
    for start in range(0, len(order), GATHER_ROWS):
        yield records[order[start : start + GATHER_ROWS]]


def totals_text(root: TreeRoot) -> list[str]:
    """Per-asset totals with decimals applied, for display."""
    return [
        f"{a.symbol} {format_units(s, a.decimals)}"
        for a, s in zip(root.assets, root.root.sums, strict=True)
    ]


def parse_nonce_key(text: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise OptionError("nonce_key", "not hex") from None
    if len(key) < 16:
        raise OptionError("nonce_key", "shorter than 16 bytes: too easy to guess")
    return key
