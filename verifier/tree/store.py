"""The files a built tree lives in: tree.bin (every stored node) and accounts.sqlite.

tree.bin layout, all integers big-endian:

    offset  size  field
    0       8     magic b"PORMST\\x01\\n"
    8       1     height H
    9       2     K, the number of assets
    11      8     n, the number of accounts (leaves at indices 0..n-1)
    19      45    zero
    64            level 0, then level 1, ... up to level H

Level l holds the c_l = ceil(n / 2^l) nodes that cover at least one account,
node j at 64 + sum(c_0..c_{l-1}) * R + j * R, each R = 32 + 16K bytes:
hash || enc(sums), exactly the bytes the parent hashes. Every other node is an
empty subtree E_l and is not stored. Level H is the root. This is the dense layout
(version 1), which `tree build` writes by default.

The sparse layout (version 2, `tree build --layout sparse`) stores the same nodes, and
so gives the same proofs, without most of their zero sums: with many assets an account
holds few of them, and a low node's sums are mostly zero (30 assets, the benchmark's
ledger: 1.7 non-zero at level 0, 3.0 at level 1). Its header differs in

    0       8     magic b"PORMST\x02\n"
    19      8     the sparse levels: bit l set for level l (u64)

and a sparse level l takes, in the place of its c_l records, a table of c_l + 1 u64
offsets; its records follow the last level, sparse levels in order, each

    hash (32) || bitmap (ceil(K/8) bytes: bit j, most significant first, set when
    sum j is non-zero; the bits past K zero) || the non-zero sums (16 bytes each)
    in asset order

node j from table[j] to table[j+1], counted from the start of its level's records
(table[0] = 0, table[c_l] = their size). The builder makes levels 0 and 1 sparse: they
are three quarters of the file, and each sparse level above them is a stream of its
own during the build for at most an eighth of it (see the README). A reader decodes a
sparse record back to hash || enc(sums) and checks it as it goes: an offset out of its
level, a bit past K, a length that does not match the bitmap or a zero sum marked
non-zero is bad input.

accounts.sqlite is private (the nonces are secrets): account_id -> ledger row and
nonce (table accounts, keyed by row, unique index on account_id), ledger row -> leaf
index (table positions, keyed by row); a meta table ties it to its root commitment. A
lookup is an index search and two key searches: no part of the file is loaded. (Files
of earlier builds key positions by leaf with an index on row: read the same way.)
Proofs for accounts named one by one are found through lookup.bin instead, when the
tree has one (verifier/tree/lookup.py says why); accounts.sqlite stays the record.
"""

import json
import mmap
import sqlite3
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from verifier.errors import InputError
from verifier.io.files import open_binary
from verifier.tree.behind import Behind

MAGIC = b"PORMST\x01\n"
SPARSE_MAGIC = b"PORMST\x02\n"
HEADER = 64
LAYOUTS = ("dense", "sparse")
SPARSE_LEVELS = 0b11  # levels 0 and 1: the module docstring says why


def record_size(k: int) -> int:
    return 32 + 16 * k


def level_counts(n: int, height: int) -> list[int]:
    counts = [n]
    for _ in range(height):
        counts.append((counts[-1] + 1) // 2)
    return counts


def header(height: int, k: int, n: int, sparse: int = 0) -> bytes:
    """Version 1 when no level is sparse, else version 2 naming the sparse levels."""
    head = (SPARSE_MAGIC if sparse else MAGIC) + height.to_bytes(1, "big")
    head += k.to_bytes(2, "big") + n.to_bytes(8, "big")
    if sparse:
        head += sparse.to_bytes(8, "big")
    return head.ljust(HEADER, b"\0")


def level_starts(counts: list[int], k: int, sparse: int) -> tuple[list[int], int]:
    """Where each level's records (dense) or offset table (sparse) start, and where the
    part of the file that the header sizes ends (a sparse level's records follow it)."""
    starts, offset = [], HEADER
    for level, count in enumerate(counts):
        starts.append(offset)
        offset += (count + 1) * 8 if sparse >> level & 1 else count * record_size(k)
    return starts, offset


class TreeFile:
    """Random access to the stored nodes of a tree.bin of either layout, for cutting
    proofs. Opening one checks what the header and the ends of the offset tables
    say; each sparse record is checked where it is read (the compiled cutter), since
    reading every offset of a large tree would cost more than the proofs asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._f = open_binary(path)  # closed by close()
        try:
            self._open()
        except BaseException:
            self._f.close()
            raise

    def _open(self) -> None:
        path = str(self.path)
        head = self._f.read(HEADER)
        if len(head) < HEADER or head[:8] not in (MAGIC, SPARSE_MAGIC):
            raise InputError(path, "header", "not a por-mst-v1 tree.bin")
        self.height = head[8]
        self.k = int.from_bytes(head[9:11], "big")
        self.n = int.from_bytes(head[11:19], "big")
        self.sparse = int.from_bytes(head[19:27], "big") if head[:8] == SPARSE_MAGIC else 0
        if head[:8] == SPARSE_MAGIC and not 0 < self.sparse < 1 << (self.height + 1):
            raise InputError(path, "header", f"sparse levels {self.sparse:#x} not of this tree")
        self.layout = LAYOUTS[self.sparse != 0]
        self.record = record_size(self.k)
        self.counts = level_counts(self.n, self.height)
        self.offsets, end = level_starts(self.counts, self.k, self.sparse)
        size = self.path.stat().st_size
        if size < end or (not self.sparse and size != end):
            raise InputError(path, None, f"{size} bytes, the header says {end}")
        # mapped, not read: a proof touches H records scattered over the file. Random
        # access told to the kernel: else each page a proof misses brings the disk's
        # read-ahead around it (8 MiB on this machine's disk), which pushes the pages
        # wanted out of the cache long before a tree of 100M accounts is in it
        self.data = mmap.mmap(self._f.fileno(), 0, access=mmap.ACCESS_READ)
        self.data.madvise(mmap.MADV_RANDOM)
        # (start, size) of each level's sparse records; (0, 0) for a dense level
        self.areas: list[tuple[int, int]] = []
        for level, (start, count) in enumerate(zip(self.offsets, self.counts, strict=True)):
            if not self.sparse >> level & 1:
                self.areas.append((0, 0))
                continue
            first, records = (
                int.from_bytes(self.data[at : at + 8], "big") for at in (start, start + 8 * count)
            )
            if first != 0:
                raise InputError(path, f"level {level} offset table", "does not start at 0")
            self.areas.append((end, records))
            end += records
        if size != end:
            raise InputError(path, None, f"{size} bytes, the header and offset tables say {end}")

    def close(self) -> None:
        self.data.close()
        self._f.close()


SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE accounts (row INTEGER PRIMARY KEY, account_id TEXT NOT NULL, nonce BLOB NOT NULL);
CREATE TABLE positions (row INTEGER PRIMARY KEY, leaf INTEGER NOT NULL);
"""
POSITION_ROWS = 1 << 16  # rows handed to SQLite at a time


class AccountsWriter:
    """Fills accounts.sqlite by appending only, which is SQLite's bulk load: accounts
    in ledger order (their row is the key) while the ledger streams by, positions in
    row order too once the builder has them in that order (`verifier.tree.build`). The
    index a lookup needs on the account id is built in one sorted pass (SQLite sorts in
    bounded memory, spilling to its temporary files); positions need none, which spares
    a second sort of every account.

    The inserts and the id index run on a thread of their own, behind the caller:
    SQLite releases the GIL while it works, so they overlap the parsing and hashing.
    A failed insert is raised by the writer's next call. Used as a context
    manager, which stops the thread and closes the file however the build ends."""

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False)  # one thread at a time
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        self._behind = Behind("accounts.sqlite", sqlite3.Error)
        self._duplicated = False

    def __enter__(self) -> "AccountsWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self._behind.stop()
        self.db.close()

    def add(self, first_row: int, account_ids: Sequence[str], nonces: bytes) -> None:
        """`nonces`: 32 bytes an account. The batch goes in as one JSON array and one
        blob, which SQLite unpacks itself: a third of the CPU of a parameter tuple a row."""
        ids = json.dumps(list(account_ids), ensure_ascii=False)
        self._behind.submit(
            partial(
                self._execute,
                "INSERT INTO accounts SELECT ?1 + key, value, substr(?3, key * 32 + 1, 32)"
                " FROM json_each(?2)",
                (first_row, ids, nonces),
            )
        )

    def index_ids(self) -> None:
        """Start indexing the account ids (unique), once every account was added: the
        index is built while the caller hashes the levels; `duplicate` says how it went."""
        self._behind.submit(self._index_ids)

    def _index_ids(self) -> None:
        try:
            self.db.execute("CREATE UNIQUE INDEX accounts_id ON accounts(account_id)")
        except sqlite3.IntegrityError:
            self._duplicated = True

    def duplicate(self) -> tuple[str, list[int]] | None:
        """The first account id that appears twice, with its rows, once `index_ids` ran."""
        self._behind.drain()
        if not self._duplicated:
            return None
        account_id, rows = self.db.execute(
            "SELECT account_id, group_concat(row) FROM accounts GROUP BY account_id"
            " HAVING count(*) > 1 ORDER BY min(row) LIMIT 1"
        ).fetchone()
        return account_id, sorted(int(r) for r in rows.split(","))

    def positions(self, first_row: int, leaves: np.ndarray) -> None:
        """The leaf indices of the ledger rows from `first_row` on."""
        for start in range(0, len(leaves), POSITION_ROWS):
            part = json.dumps(leaves[start : start + POSITION_ROWS].tolist())
            self._behind.submit(
                partial(
                    self._execute,
                    "INSERT INTO positions SELECT ?1 + key, value FROM json_each(?2)",
                    (first_row + start, part),
                )
            )

    def _execute(self, statement: str, args: tuple[object, ...]) -> None:
        self.db.execute(statement, args)

    def finish(self, meta: dict[str, str]) -> None:
        self._behind.drain()
        self._behind.stop()
        self.db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        self.db.commit()


class Accounts:
    """Read side of accounts.sqlite. An auditor gets it from the exchange: a damaged or
    doctored file (malformed pages, a leaf or nonce of the wrong type) is bad input."""

    def __init__(self, path: Path) -> None:
        self.path = path
        open_binary(path).close()  # a directory or a missing file, named as such
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.meta = {str(k): str(v) for k, v in self._rows("SELECT key, value FROM meta")}

    def lookup(self, account_id: str) -> tuple[int, bytes] | None:
        """(leaf index, nonce) of an account, or None."""
        return self.lookup_many([account_id]).get(account_id)

    def lookup_many(self, account_ids: Sequence[str]) -> dict[str, tuple[int, bytes]]:
        """(leaf index, nonce) of each of the accounts the tree holds, in one query (the
        ids go in as one JSON array: no limit on the number of parameters)."""
        query = (
            "SELECT account_id, leaf, nonce FROM accounts JOIN positions USING (row)"
            " WHERE account_id IN (SELECT value FROM json_each(?))"
        )
        ids = json.dumps(list(account_ids), ensure_ascii=False)
        return {str(a): self._entry(leaf, nonce) for a, leaf, nonce in self._rows(query, (ids,))}

    def all(self) -> Iterator[tuple[str, int, bytes]]:
        """(account_id, leaf index, nonce) of every account, in ledger order."""
        query = (
            "SELECT account_id, leaf, nonce FROM accounts JOIN positions USING (row) ORDER BY row"
        )
        for account_id, leaf, nonce in self._rows(query):
            yield str(account_id), *self._entry(leaf, nonce)

    def count(self) -> int:
        return int(next(self._rows("SELECT count(*) FROM accounts"))[0])

    def _rows(self, query: str, args: tuple[str, ...] = ()) -> Iterator[tuple[Any, ...]]:
        try:
            yield from self.db.execute(query, args)
        except sqlite3.DatabaseError as e:
            raise InputError(
                str(self.path), None, f"not a por-mst-v1 accounts.sqlite ({e})"
            ) from None

    def _entry(self, leaf: object, nonce: object) -> tuple[int, bytes]:
        if not isinstance(leaf, int) or not isinstance(nonce, bytes) or len(nonce) != 32:
            problem = "not a por-mst-v1 accounts.sqlite (a leaf index or nonce of the wrong type)"
            raise InputError(str(self.path), None, problem)
        return leaf, nonce
