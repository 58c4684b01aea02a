"""lookup.bin: the account index that proofs are cut through, beside accounts.sqlite.

Why a file of our own: a proof for a random account asked accounts.sqlite for three
B-tree pages (the id index, the account's row, its position) in a file of 93 bytes an
account. At 100M accounts that is 9.3 GB beside tree.bin's 16 GB, more than this
machine's 23 GiB of page cache, so most random proofs waited on the disk once or
twice, one read at a time (10,669 proofs/s). lookup.bin holds only what a lookup needs,
48 bytes an account at most 2^32 accounts (4.8 GB at 100M: with tree.bin it fits the
cache), and it is read by the compiled lookup on eight threads, so that the reads that
do miss the cache overlap (this machine's disk: 8,600 random reads/s one at a time,
57,000/s sixteen at a time).

It is an accelerator, not a record: accounts.sqlite stays the file every other reader
uses (audit, export in ledger order, administer) and the one that decides. A proof is
written from lookup.bin only when the leaf it names hashes to the account's own leaf
hash (SHA256(0x00 || nonce || SHA256(id) || balances), the tree vouching for the
index); an id it does not hold, a key two ids share (the key is a 64-bit hash of the
id, see `id_key` in _fastverify.c) or a leaf that is not the account's is asked of
accounts.sqlite, and a lookup.bin that disagrees with it is bad input. A tree built
before lookup.bin existed is read through accounts.sqlite alone.

Layout, integers little-endian (so that numpy writes and reads them as they are):

    offset  size   field
    0       8      magic b"PORIDX\\x01\\n"
    8       8      n, the number of accounts (u64)
    16      1      w, the width of a row or leaf number: 4 when n <= 2^32, else 8
    17      1      B, the directory's bits
    18      14     zero
    32      32     the tree's root commitment (root.json's), tying the file to it
    64             directory: 2^B + 1 u64, entry b the number of keys whose top B bits
                   are below b (so keys of prefix b lie at entries b to b + 1)
                   keys: n u64, each account's key, sorted (ties by ledger row)
                   rows: n x w, the ledger row - 1 of each key, in the keys' order
                   leaves: n x w, the leaf index of each ledger row - 1
                   nonces: n x 32, the nonce of each ledger row - 1

The build writes the nonces while the ledger streams by, the keys sorted in
partitions of their prefix while it hashes the levels, the leaves once it knows them
in row order (`LookupWriter`), and the header last.
"""

import math
import mmap
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path

import numpy as np

from verifier.errors import InputError
from verifier.io.files import open_binary
from verifier.io.outputs import Outputs
from verifier.tree._fastverify import find, id_keys
from verifier.tree.behind import Behind
from verifier.tree.spill import append_by_part
from verifier.tree.store import Accounts

MAGIC = b"PORIDX\x01\n"
HEADER = 64
BUCKET = 64  # keys per directory entry on average: a lookup's keys lie in one page
SORT_BYTES_PER_KEY = 16 + 8 + 8 + 8  # a spilled (key, row) pair, its order, keys, rows
FOUND, ABSENT, SHARED, BAD_ENTRY = range(4)  # find's status bytes


@dataclass(frozen=True)
class Layout:
    """Where each part of a lookup.bin of n accounts lies."""

    n: int
    width: int
    bits: int

    @classmethod
    def of(cls, n: int) -> "Layout":
        return cls(n, 4 if n <= 1 << 32 else 8, max(0, int(math.log2(max(n, 1) / BUCKET))))

    @property
    def sections(self) -> list[int]:
        """Start of the directory, keys, rows, leaves and nonces; then the end."""
        sizes = [8 * ((1 << self.bits) + 1), 8 * self.n, self.width * self.n]
        sizes += [self.width * self.n, 32 * self.n]
        starts = [HEADER]
        for size in sizes:
            starts.append(starts[-1] + size)
        return starts

    @property
    def size(self) -> int:
        return self.sections[-1]

    @property
    def dtype(self) -> str:
        return f"<u{self.width}"

    def header(self, commitment: bytes) -> bytes:
        head = MAGIC + self.n.to_bytes(8, "little") + bytes([self.width, self.bits])
        return head.ljust(32, b"\0") + commitment


KEY_PARTS = 128  # at most: smaller sorts run faster (cache), and each is a file open
KEYS_PER_PART = 1 << 18  # at least, on average


class LookupWriter:
    """Writes lookup.bin during a build: `add` per ledger batch, `sort_keys` once the
    ledger was read, `leaves` per run of rows once the leaves are known, `finish` with
    the root commitment. The (key, row) pairs wait in `scratch`, in partition files by
    key prefix, each sorted within `room` bytes. Everything but `finish` runs behind
    the caller, on a thread of its own (numpy's sorts and the file writes release the
    GIL): the keys are sorted while the builder hashes the levels. Used as a context
    manager, which stops the thread and closes the files however the build ends."""

    def __init__(self, path: Path, scratch: Path, n: int, room: int) -> None:
        self.layout = Layout.of(n)
        self._f = open(path, "w+b", buffering=0)  # noqa: SIM115 # closed by close()
        self._f.truncate(self.layout.size)
        parts = max(math.ceil(n * SORT_BYTES_PER_KEY / room), min(n // KEYS_PER_PART, KEY_PARTS))
        self._part_bits = max(0, math.ceil(math.log2(parts))) if parts > 1 else 0
        self._paths = [scratch / f"keys-{i:04x}" for i in range(1 << self._part_bits)]
        self._parts = [open(p, "wb", buffering=0) for p in self._paths]  # noqa: SIM115 # closed by close()
        self._behind = Behind("lookup.bin", OSError)

    def __enter__(self) -> "LookupWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self._behind.stop()
        for f in self._parts:
            f.close()
        self._f.close()

    def add(self, first_row: int, account_ids: list[str], nonces: bytes) -> None:
        self._behind.submit(partial(self._add, first_row, account_ids, nonces))

    def _add(self, first_row: int, account_ids: list[str], nonces: bytes) -> None:
        m = len(account_ids)
        pairs = np.empty((m, 2), np.uint64)
        pairs[:, 0] = np.frombuffer(id_keys(account_ids), "<u8")
        pairs[:, 1] = np.arange(first_row - 1, first_row - 1 + m, dtype=np.uint64)
        if self._part_bits:
            append_by_part(self._parts, pairs[:, 0] >> np.uint64(64 - self._part_bits), pairs)
        else:
            self._parts[0].write(pairs.data)
        os.pwrite(self._f.fileno(), nonces, self.layout.sections[4] + 32 * (first_row - 1))

    def leaves(self, first_row: int, leaves: np.ndarray) -> None:
        """The leaf indices of the ledger rows from `first_row` on."""
        at = self.layout.sections[3] + self.layout.width * (first_row - 1)
        data = leaves.astype(self.layout.dtype).tobytes()
        self._behind.submit(partial(os.pwrite, self._f.fileno(), data, at))

    def sort_keys(self) -> None:
        """Once every account was added."""
        self._behind.submit(self._sort_keys)

    def _sort_keys(self) -> None:
        layout, fd = self.layout, self._f.fileno()
        for f in self._parts:
            f.close()
        counts = np.zeros(1 << layout.bits, np.uint64)
        done = 0
        for path in self._paths:
            pairs = np.fromfile(path, np.uint64).reshape(-1, 2)
            path.unlink()
            order = np.argsort(pairs[:, 0], kind="stable")  # rows came in order: ties by row
            keys, rows = pairs[order, 0], pairs[order, 1]
            del pairs, order
            os.pwrite(fd, keys.astype("<u8").tobytes(), layout.sections[1] + 8 * done)
            os.pwrite(
                fd, rows.astype(layout.dtype).tobytes(), layout.sections[2] + layout.width * done
            )
            if layout.bits:
                counts += np.bincount(
                    (keys >> np.uint64(64 - layout.bits)).astype(np.intp), minlength=len(counts)
                ).astype(np.uint64)
            else:
                counts[0] += np.uint64(len(keys))
            done += len(keys)
        directory = np.zeros(len(counts) + 1, "<u8")
        np.cumsum(counts, out=directory[1:])
        os.pwrite(fd, directory.tobytes(), layout.sections[0])

    def finish(self, commitment: bytes) -> None:
        """The header, once every job is done: the file is whole."""
        self._behind.drain()
        os.pwrite(self._f.fileno(), self.layout.header(commitment), 0)


class Lookup:
    """Read side of lookup.bin, mapped: nothing of it is loaded."""

    def __init__(self, path: Path, n: int, commitment: bytes) -> None:
        self.path = path
        with open_binary(path) as f:
            head = f.read(HEADER)
            size = os.fstat(f.fileno()).st_size
            where = str(path)
            if len(head) < HEADER or head[:8] != MAGIC:
                raise InputError(where, "header", "not a por-mst-v1 lookup.bin")
            self.layout = Layout(int.from_bytes(head[8:16], "little"), head[16], head[17])
            if self.layout.n != n or head[32:64] != commitment:
                raise InputError(where, "header", "belongs to another tree than root.json")
            if self.layout.width not in (4, 8) or self.layout.bits > 40 or any(head[18:32]):
                raise InputError(where, "header", "not a por-mst-v1 lookup.bin")
            if size != self.layout.size:
                raise InputError(where, None, f"{size} bytes, the header says {self.layout.size}")
            self.data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        # a lookup touches a few scattered pages: read-ahead around them would only
        # push pages that are wanted out of the cache
        self.data.madvise(mmap.MADV_RANDOM)
        self._at = np.array(self.layout.sections[:5], np.uint64).tobytes()

    def find(self, account_ids: Sequence[str]) -> tuple[bytes, bytes, bytes, np.ndarray]:
        """(leaves u64, nonces, SHA256 of each id, status per id: FOUND ... BAD_ENTRY)."""
        layout = self.layout
        leaves, nonces, hashes, status = find(
            self.data, layout.n, layout.width, layout.bits, self._at, list(account_ids)
        )
        return leaves, nonces, hashes, np.frombuffer(status, np.uint8)

    def close(self) -> None:
        self.data.close()


REWRITE_BATCH = 1 << 16  # accounts of accounts.sqlite read at a time
REWRITE_ROOM = 256 << 20  # what the keys' sort may take, as a build's default


def write_lookup(directory: Path, n: int, commitment: bytes, outputs: Outputs) -> None:
    """lookup.bin rewritten from accounts.sqlite into `outputs`' temporary for it (a
    tree built before lookup.bin existed, or one whose lookup.bin does not match):
    the same file the build writes. `n` and `commitment` are root.json's."""
    accounts = Accounts(directory / "accounts.sqlite")
    if (count := accounts.count()) != n:
        raise InputError(str(accounts.path), None, f"{count} accounts, root.json says {n}")
    scratch = outputs.scratch_directory(directory, "lookup-keys")
    with LookupWriter(outputs.temporary(directory / "lookup.bin"), scratch, n, REWRITE_ROOM) as w:
        rows, first = accounts.all(), 1
        while batch := list(islice(rows, REWRITE_BATCH)):
            leaves = [leaf for _, leaf, _ in batch]
            if not 0 <= min(leaves) <= max(leaves) < n:  # a doctored file: no row is skipped
                bad = next(leaf for leaf in leaves if not 0 <= leaf < n)
                raise InputError(str(accounts.path), f"leaf {bad}", "no such leaf in this tree")
            w.add(first, [a for a, _, _ in batch], b"".join(nonce for _, _, nonce in batch))
            w.leaves(first, np.array(leaves, np.uint64))
            first += len(batch)
        w.sort_keys()
        w.finish(commitment)
