"""Build a por-mst-v1 tree from a ledger into DIR/{root.json,tree.bin,accounts.sqlite,
lookup.bin}, in memory that does not grow with the ledger.

Shuffle: leaf index = rank of the account's leaf hash (its first 8 bytes big-endian;
ties, which need a SHA-256 collision on 64 bits, by ledger row). The leaf hash is
random under the secret nonce and already public in the tree, so the order reveals
nothing about sign-up order or the nonce, costs no extra hash, and is reproducible
under --nonce-key.

Two passes, so that only one partition of the leaves is ever in memory:
1. The ledger streams by in batches; the compiled extension derives the nonces and
   hashes the leaves (both cores, GIL released); each record (ledger row, leaf hash,
   and only the non-zero sums of enc(balances) behind a bitmap: `pack_records`) is
   appended to the partition file of its hash prefix, in a scratch directory inside
   DIR. Ranks by hash are then ranks within prefix order.
2. Partition by partition in prefix order: read, sort by (8-byte key, row) into whole
   leaf records, and push the leaves in index order into the compiled `Reducer`, which
   writes every level of tree.bin at its offset (the level sizes follow from n) and
   keeps at most one node per level back. The account index gets each leaf's row in
   leaf order; lookup.bin (verifier/tree/lookup.py) gets the nonces in pass 1, its
   sorted keys while the levels are hashed, and the leaves by row at the end.

The number of partitions follows from `memory`: a partition's records, sorted, must
fit beside what the build holds whatever the ledger's size (`fixed_bytes`). Leaf hashes
are uniform, so partitions of one prefix length hold about the same number of leaves.
"""

import math
import os
import re
import resource
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np

from verifier.errors import InputError, OptionError
from verifier.io.ledger import BATCH_ROWS, LedgerBatch
from verifier.io.outputs import Outputs
from verifier.models.amounts import format_units
from verifier.models.asset import AssetSpec
from verifier.models.tree import FORMAT, MAX_HEIGHT, TreeRoot
from verifier.tree._fastverify import (
    Reducer,
    bound_heap,
    hmac_nonces,
    leaf_hashes,
    pack_records,
    sort_records,
    spill_count,
)
from verifier.tree.levels import Progress
from verifier.tree.lookup import Layout, LookupWriter
from verifier.tree.spec import asset_pairs, empty_hashes, root_commitment
from verifier.tree.spill import append_by_part
from verifier.tree.store import (
    SPARSE_LEVELS,
    AccountsWriter,
    header,
    level_counts,
    level_starts,
    record_size,
)

# The files of a built tree, in the order they are put in place: root.json last, since
# its presence is what says the tree is whole (see Outputs.add_directory).
TREE_FILES = ("tree.bin", "accounts.sqlite", "lookup.bin", "root.json")
SCRATCH = "tree-partitions"  # the scratch directory's name in DIR, while a build runs

DEFAULT_MEMORY = 2 << 30
# What a build holds whatever the size of its ledger: the interpreter with pyarrow and
# numpy (about 125 MiB), SQLite's cache and pyarrow's CSV block, and one batch of
# BATCH_ROWS accounts as Python objects and records, which grows with the number of
# assets (measured: 3 assets peak at about 210 MiB with partitions of a few MiB). A
# cell is counted as a Python int, as a source that hands balances over as ints (the
# administrator's entitlements) holds it; a ledger file's cells never become one.
BASE_BYTES = 160 << 20
BATCH_BYTES_PER_ROW = 512
BATCH_BYTES_PER_CELL = 160
# The most a partition takes while sorted, however large the budget: sorting in parts
# costs no more than sorting at once, and peak memory then stays the same from a
# million accounts to a billion (the budget is a ceiling, not a target).
PARTITION_ROOM = 256 << 20
# One partition file stays open per partition while the ledger is read.
MAX_PARTITIONS = 4096
# Partitions are sized for their mean; a prefix holds a binomial share of the leaves,
# so each one gets this much room beyond its mean.
SPREAD = 1.25
# accounts.sqlite per account, for the disk check: the account row (id, 32-byte nonce),
# the unique index on the id and the leaf's row and its index (measured: 94 bytes an
# account with ids of 10 bytes, 2 more per id byte: this allows ids of ~70 bytes).
INDEX_BYTES = 240


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


@dataclass(frozen=True)
class BuildPlan:
    """How a build of `n` accounts of `k` assets runs in `memory` bytes, and the disk it
    needs: `bits` of hash prefix pick a record's partition (2^bits partitions)."""

    n: int
    k: int
    height: int
    bits: int
    sparse: int = 0  # the levels stored sparse (store.py), a bit each
    room: int = PARTITION_ROOM  # the most a partition may take while sorted

    @property
    def spill_width(self) -> int:
        """The longest partition record: the ledger row (u64), then the leaf record as a
        sparse record (hash, bitmap, the non-zero sums: all of them at worst)."""
        return 8 + record_size(self.k) + bitmap_size(self.k)

    @property
    def scratch_bytes(self) -> int:
        return self.n * self.spill_width

    @property
    def tree_bytes(self) -> int:
        """At most: a sparse record of a node whose sums are all non-zero is longer than
        a dense one by its bitmap (and an offset)."""
        counts = level_counts(self.n, self.height)
        _, end = level_starts(counts, self.k, self.sparse)
        longest = record_size(self.k) + bitmap_size(self.k)
        return end + sum(c * longest for i, c in enumerate(counts) if self.sparse >> i & 1)

    @property
    def index_bytes(self) -> int:
        return self.n * INDEX_BYTES

    @property
    def lookup_bytes(self) -> int:
        """lookup.bin, and its (key, row) pairs while they wait to be sorted."""
        return Layout.of(self.n).size + self.n * 16

    @property
    def disk_bytes(self) -> int:
        """Everything at once: the partitions are removed only as they are read, while
        tree.bin, accounts.sqlite and lookup.bin grow."""
        return self.scratch_bytes + self.tree_bytes + self.index_bytes + self.lookup_bytes


def bitmap_size(k: int) -> int:
    """A sparse record's bitmap of which sums are non-zero (store.py)."""
    return (k + 7) // 8


def partition_cost(k: int) -> int:
    """Bytes a record costs while its partition is sorted, at worst (every sum non-zero):
    the partition as read, where each record starts, the keys and their order, the leaf
    records gathered in index order, and their rows."""
    spilled = 8 + record_size(k) + bitmap_size(k)
    return spilled + 8 + 8 + 8 + 8 + record_size(k) + 8


def fixed_bytes(k: int) -> int:
    """The memory a build of `k` assets needs besides its partitions."""
    return BASE_BYTES + BATCH_ROWS * (BATCH_BYTES_PER_ROW + BATCH_BYTES_PER_CELL * k)


def plan_build(n: int, k: int, height: int, memory: int, sparse: int = 0) -> BuildPlan:
    """The partitions that keep a build in `memory` bytes; a budget that no number of
    partitions serves is refused, naming the least that would."""
    per_record = partition_cost(k) * SPREAD
    room = min(memory - fixed_bytes(k), PARTITION_ROOM)
    least = fixed_bytes(k) + max(1 << 20, math.ceil(n * per_record / MAX_PARTITIONS))
    if room <= 0 or n * per_record / room > MAX_PARTITIONS:
        raise OptionError(
            "memory",
            f"{_mib(memory)} cannot build {n:,} accounts of {k} assets: "
            f"the build needs at least {_mib(least)}",
        )
    bits = max(0, math.ceil(math.log2(n * per_record / room))) if n * per_record > room else 0
    return BuildPlan(n, k, height, bits, sparse, room)


def check_disk(plan: BuildPlan, out: Path) -> None:
    """Refuse a build whose partitions and tree do not fit on `out`'s file system,
    before any of it is written."""
    free = free_disk(out)
    if free < plan.disk_bytes:
        raise InputError(
            str(out),
            None,
            f"not enough free disk: the build of {plan.n:,} accounts needs {_mib(plan.disk_bytes)} "
            f"(partitions {_mib(plan.scratch_bytes)}, tree.bin {_mib(plan.tree_bytes)}, "
            f"accounts.sqlite about {_mib(plan.index_bytes)}, lookup.bin and its sort "
            f"{_mib(plan.lookup_bytes)}), {_mib(free)} are free",
        )


def free_disk(path: Path) -> int:
    """Free bytes on the file system that holds `path` or would hold it once made."""
    place = path
    while not place.exists():
        place = place.parent
    return shutil.disk_usage(place).free


def _mib(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MiB"


_SIZE = re.compile(r"(\d+)\s*([KMGT]?)(?:i?B)?", re.IGNORECASE)
_UNIT_BITS = {"": 0, "K": 10, "M": 20, "G": 30, "T": 40}


def parse_memory(text: str) -> int:
    """Bytes from `2G`, `512MiB`, `1500000000`: an integer with an optional binary unit."""
    match = _SIZE.fullmatch(text.strip())
    if match is None:
        raise OptionError("memory", f"{text!r} is not a size such as 2G or 512M")
    return int(match.group(1)) << _UNIT_BITS[match.group(2).upper()]


def build_tree(
    ledger: LeafSource,
    snapshot_id: str,
    height: int,
    out: Path,
    nonce_key: bytes | DerivedNonces | None = None,
    progress: Progress | None = None,
    *,
    outputs: Outputs,
    memory: int = DEFAULT_MEMORY,
    layout: str = "dense",
) -> BuildResult:
    """Build the tree of `ledger` into temporaries of `outputs`, on which the caller
    declared `out` (`add_directory(out, flag, TREE_FILES)`, checked before any work)
    and which it commits once the build returned: a build that fails or is killed
    leaves no tree behind, and an old tree in `out` stays whole until then.

    Nonces: random without `nonce_key`, HMAC-derived from a key (`derive_nonce` in the
    spec's words), or the caller's own (`DerivedNonces`). Peak memory stays under
    `memory` bytes; the disk it needs is checked before anything is written. `layout`
    "sparse" stores levels 0 and 1 without their zero sums (store.py): same hashes and
    proofs, a smaller tree.bin when accounts hold few of many assets."""
    if not 1 <= height <= MAX_HEIGHT:
        raise OptionError("height", f"{height} is not between 1 and {MAX_HEIGHT}")
    if len(snapshot_id.encode()) > 65535:
        raise OptionError("snapshot_id", "longer than 65535 bytes")
    bound_heap()  # before the ledger is first read: else the heap keeps what it frees
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
    plan = plan_build(n, k, height, memory, SPARSE_LEVELS if layout == "sparse" else 0)
    check_disk(plan, out)
    scratch = outputs.scratch_directory(out, SCRATCH)
    with (
        AccountsWriter(outputs.temporary(out / "accounts.sqlite")) as accounts,
        LookupWriter(outputs.temporary(out / "lookup.bin"), scratch, n, plan.room) as lookup,
    ):
        partitions = Partitions.by_leaf_hash(scratch, plan)
        try:
            _spill_leaves(
                ledger, n, snapshot_id, nonce_key, (accounts, lookup), partitions, progress
            )
        finally:
            partitions.close()
        accounts.index_ids()  # built while the levels are hashed
        lookup.sort_keys()  # the same
        positions = _Positions(scratch, plan)
        try:
            with (
                open(outputs.temporary(out / "tree.bin"), "wb") as sink,
                _SparseLevels(scratch, plan) as sparse,
            ):
                sink.write(header(height, k, n, plan.sparse))
                sink.flush()
                root = _reduce(partitions, plan, sink.fileno(), sparse, positions, ledger, progress)
                sparse.append_to(sink)
        finally:
            positions.close()
        for first_row, leaves in positions.by_row():
            accounts.positions(first_row, leaves)
            lookup.leaves(first_row, leaves)
        duplicate = accounts.duplicate()
        if duplicate:
            account_id, rows = duplicate
            raise InputError(
                str(ledger.path),
                f"rows {', '.join(map(str, rows))}, column account_id",
                f"duplicate account id {account_id!r}",
            )
        root_hash, root_sums = root[:32], root[32:]
        commitment = root_commitment(snapshot_id, height, asset_pairs(assets), root_hash, root_sums)
        root_file = TreeRoot.from_parts(
            snapshot_id, height, assets, root_hash, root_sums, commitment, n
        )
        lookup.finish(commitment)
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


def _nonces(batch: LedgerBatch, snapshot_id: str, nonce_key: bytes | DerivedNonces | None) -> bytes:
    """32 bytes per account of the batch: nonce = HMAC-SHA256(key, snapshot_id || 0x00
    || account_id) under a key, so that one secret serves every snapshot."""
    if isinstance(nonce_key, DerivedNonces):
        return b"".join(nonce_key.of(batch))
    if nonce_key is None:
        return secrets.token_bytes(32 * len(batch.account_ids))
    return hmac_nonces(nonce_key, snapshot_id.encode() + b"\0", batch.account_ids)


class Partitions:
    """The partition files of one run: spill records (a u64 tail, then the leaf record
    stored sparse: `pack_records`) appended by the partition of their key, then given
    back one partition at a time sorted by that key (ties in the order they came), as
    whole leaf records. The builder keys by leaf hash (its first 8 bytes, big-endian),
    the audit by the tail, the stored leaf index."""

    def __init__(
        self,
        directory: Path,
        plan: BuildPlan,
        by_hash: bool,
        part_of: Callable[[np.ndarray], np.ndarray],
    ) -> None:
        self.plan = plan
        self.by_hash = by_hash
        self.part_of = part_of
        self.paths = [directory / f"{i:04x}" for i in range(1 << plan.bits)]
        # one descriptor a partition: raise the soft limit (often 1,024) as far as needed
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = len(self.paths) + 256
        if soft != resource.RLIM_INFINITY and soft < wanted:
            top = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (top, hard))
        self.files = [open(path, "wb", buffering=0) for path in self.paths]  # noqa: SIM115 # closed by close()

    @classmethod
    def by_leaf_hash(cls, directory: Path, plan: BuildPlan) -> "Partitions":
        """Partitions of a hash prefix: ranks by hash are ranks within prefix order."""
        return cls(directory, plan, True, lambda keys: keys >> np.uint64(64 - plan.bits))

    @classmethod
    def by_leaf_index(cls, directory: Path, plan: BuildPlan) -> "Partitions":
        """Partitions of consecutive leaf indices (the spill record's tail), equal in size."""
        parts = np.uint64(1 << plan.bits)
        return cls(directory, plan, False, lambda keys: keys * parts // np.uint64(plan.n))

    def add(
        self, account_ids: list[str], nonces: bytes, sums: np.ndarray, tails: np.ndarray
    ) -> None:
        """The leaves of accounts (`nonces` 32 bytes each, `sums` their rows of
        enc(balances)), hashed, each spilled with its `tail` (the ledger row, or the
        stored leaf index) to its partition."""
        k = self.plan.k
        hashes = leaf_hashes(account_ids, nonces, sums, k)
        tails = tails.astype(np.uint64)
        if self.plan.bits == 0:
            parts = np.zeros(len(tails), np.uint64)
        else:
            keys = np.frombuffer(hashes, ">u8")[::4].astype(np.uint64) if self.by_hash else tails
            parts = self.part_of(keys)
        data, bounds = pack_records(hashes, sums, tails, parts, len(self.files), k)
        at = np.frombuffer(bounds, np.uint64)
        view = memoryview(data)
        for i in np.flatnonzero(np.diff(at)).tolist():
            self.files[i].write(view[at[i] : at[i + 1]])

    def close(self) -> None:
        for f in self.files:
            f.close()

    def sorted(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Per partition in key order: its leaf records sorted by key and their tails.
        The records are in one buffer kept from partition to partition (a fresh one each
        time cost a page fault per 4 KiB): valid until the next is asked for. Each file
        is removed once read, which frees its disk at once."""
        k, size = self.plan.k, record_size(self.plan.k)
        leaves = np.empty(0, np.uint8)
        for path in self.paths:
            data = np.fromfile(path, np.uint8)
            path.unlink()
            n = spill_count(data, k)
            if len(leaves) < n * size:
                del leaves  # before its successor is made: never both at once
                leaves = np.empty(n * size, np.uint8)
            tails = sort_records(data, k, self.by_hash, leaves)
            del data
            yield leaves[: n * size], np.frombuffer(tails, ">u8")


def new_reducer(plan: BuildPlan, fd: int, sparse: bytes = b"") -> Reducer:
    """The compiled reducer of `plan`'s tree, writing tree.bin's levels to `fd` (-1:
    nowhere, only the root record is wanted); `sparse` as `_SparseLevels.layout`."""
    counts = level_counts(plan.n, plan.height)
    offsets, _ = level_starts(counts, plan.k, plan.sparse)
    return Reducer(
        fd,
        np.array(offsets, "<u8").tobytes(),
        np.array(counts, "<u8").tobytes(),
        b"".join(empty_hashes(plan.height, plan.k)[: plan.height]),
        plan.k,
        sparse,
    )


def _spill_leaves(
    ledger: LeafSource,
    n: int,
    snapshot_id: str,
    nonce_key: bytes | DerivedNonces | None,
    indexes: tuple[AccountsWriter, LookupWriter],
    partitions: Partitions,
    progress: Progress | None,
) -> None:
    for batch in ledger.batches():
        m = len(batch.account_ids)
        nonces = _nonces(batch, snapshot_id, nonce_key)
        rows = np.arange(batch.first_row, batch.first_row + m, dtype=np.uint64)
        partitions.add(batch.account_ids, nonces, batch.encoded, rows)
        for index in indexes:
            index.add(batch.first_row, batch.account_ids, nonces)
        if progress:
            progress("reading ledger and hashing leaves", batch.first_row - 1 + m, n)
    if ledger.rows != n:
        raise InputError(
            str(ledger.path),
            None,
            f"the ledger changed while it was read ({ledger.rows} rows, then {n})",
        )


class _Positions:
    """The leaf of each ledger row: learnt in leaf order while the leaves are pushed,
    spilled as (row, leaf) pairs to files of consecutive rows, and given back in row
    order, so that accounts.sqlite's positions are appended keyed by row and need no
    index (SQLite's sort of every account for one cost more than this pass)."""

    def __init__(self, directory: Path, plan: BuildPlan) -> None:
        self.n, self.parts = plan.n, 1 << plan.bits
        self.paths = [directory / f"rows-{i:04x}" for i in range(self.parts)]
        self.files = [open(path, "wb", buffering=0) for path in self.paths]  # noqa: SIM115 # closed by close()

    def add(self, first_leaf: int, rows: np.ndarray) -> None:
        pairs = np.empty((len(rows), 2), np.uint64)
        pairs[:, 0] = rows
        pairs[:, 1] = np.arange(first_leaf, first_leaf + len(rows), dtype=np.uint64)
        part = (pairs[:, 0] - np.uint64(1)) * np.uint64(self.parts) // np.uint64(self.n)
        append_by_part(self.files, part, pairs)

    def close(self) -> None:
        for f in self.files:
            f.close()

    def by_row(self) -> Iterator[tuple[int, np.ndarray]]:
        """(first row, the leaves of rows first..) per file, in row order; every row is
        in its file once, since the build placed every row."""
        for part, path in enumerate(self.paths):
            pairs = np.fromfile(path, np.uint64).reshape(-1, 2)
            path.unlink()
            first = -(-part * self.n // self.parts) + 1
            leaves = np.empty(len(pairs), np.uint64)
            leaves[pairs[:, 0] - np.uint64(first)] = pairs[:, 1]
            yield first, leaves


class _SparseLevels:
    """Where the reducer writes the records of each sparse level: level 0's straight
    into tree.bin after the part the header sizes, every other one into a scratch file
    of its own (their sizes are known only at the end), appended to tree.bin in level
    order once the levels are whole."""

    def __init__(self, directory: Path, plan: BuildPlan) -> None:
        self.plan = plan
        self.levels = [i for i in range(plan.height + 1) if plan.sparse >> i & 1]
        self.files = {
            i: open(directory / f"level-{i}", "w+b")  # noqa: SIM115 # closed by __exit__
            for i in self.levels
            if i
        }

    def __enter__(self) -> "_SparseLevels":
        return self

    def __exit__(self, *exc: object) -> None:
        for f in self.files.values():
            f.close()

    def layout(self, fd: int) -> bytes:
        """The reducer's `sparse` argument: (fd, base) per level, fd -1 for a dense one."""
        if not self.levels:
            return b""
        _, end = level_starts(
            level_counts(self.plan.n, self.plan.height), self.plan.k, self.plan.sparse
        )
        pairs = [(-1, 0)] * (self.plan.height + 1)
        for i in self.levels:
            pairs[i] = (self.files[i].fileno(), 0) if i else (fd, end)
        return np.array(pairs, "=i8").tobytes()

    def append_to(self, sink: BinaryIO) -> None:
        sink.seek(0, os.SEEK_END)
        for f in self.files.values():
            f.seek(0)
            shutil.copyfileobj(f, sink, 1 << 20)


def _reduce(
    partitions: Partitions,
    plan: BuildPlan,
    fd: int,
    sparse: _SparseLevels,
    positions: _Positions,
    ledger: LeafSource,
    progress: Progress | None,
) -> bytes:
    """Every level of tree.bin from the partitions, and the root record."""
    reducer = new_reducer(plan, fd, sparse.layout(fd))
    leaf = 0
    with _totals_checked(ledger):
        for leaves, rows in partitions.sorted():
            reducer.push(leaves)
            positions.add(leaf, rows)
            leaf += len(rows)
            if progress:
                progress("sorting leaves and hashing levels", leaf, plan.n)
        return reducer.finish()


@contextmanager
def _totals_checked(ledger: LeafSource) -> Iterator[None]:
    """The reducer's OverflowError (asset index, level) is a total that por-mst-v1
    cannot hold: bad input, named by the asset's column."""
    try:
        yield
    except OverflowError as e:
        raise InputError(
            str(ledger.path),
            f"column {ledger.assets[e.args[0]].symbol}",
            "the total reaches 2^128 base units, more than por-mst-v1 can hold",
        ) from None


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
