import mmap

import numpy as np
from typing_extensions import Buffer

# what the builder passes: numpy arrays of uint8 (C-contiguous), or any byte buffer
Bytes = Buffer | np.ndarray

def certify(lines: bytes, published_hex: bytes | None, /) -> tuple[bytes, bytes, bytes, bytes]:
    """Per line of a block of JSON lines: kind (0 blank, 1 certainly included, 2 ask the
    Python verifier), the offset past it (u64), and for a certified line its leaf index
    (u64) and SHA256(account_id)[:16]."""

def cut(
    tree: bytes | memoryview | mmap.mmap,
    offsets: bytes,
    counts: bytes,
    empties: bytes,
    k: int,
    leaves: bytes,
    nonces: bytes,
    areas: bytes = b"",
    id_hashes: bytes | None = None,
    /,
) -> list[str | None]:
    """Each leaf's proof line from "nonce" to the end of "siblings" (compact JSON):
    `tree` is tree.bin, `offsets` and `counts` the start and node count of each level
    0..H (u64 each), `empties` E_0..E_{H-1}, `leaves` the leaf indices (u64 each),
    `nonces` 32 bytes each; `areas` (start, size) of each sparse level's records (u64
    each, 0 for a dense level, whose offset is then its offset table). With `id_hashes`
    (SHA256 of each account id) a leaf whose hash is not SHA256(0x00 || nonce || id
    hash || its balances) gets None. A bad sparse record raises
    ValueError((level, node, problem)). Eight threads, GIL released."""

def id_keys(ids: list[str], /) -> bytes:
    """Each id's key in lookup.bin (u64 little-endian): FNV-1a 64, then MurmurHash3's
    finaliser."""

def find(
    index: mmap.mmap | bytes, n: int, width: int, bits: int, at: bytes, ids: list[str], /
) -> tuple[bytes, bytes, bytes, bytes]:
    """Each id looked up in lookup.bin (sections at `at`, u64 each): its leaf (u64) and
    nonce when its key is found once, SHA256(id), and a status byte (0 found, 1 absent,
    2 a shared key, 3 an entry the file cannot hold). Eight threads, GIL released."""

def leaf_hashes(ids: list[str], nonces: bytes, sums: Bytes, k: int, /) -> bytes:
    """SHA256(0x00 || nonce || SHA256(id) || enc(balances)) of each account, 32 bytes
    each: `nonces` 32 bytes and `sums` 16k bytes an account (both cores, GIL released)."""

def hmac_nonces(key: bytes, prefix: bytes, ids: list[str], /) -> bytes:
    """HMAC-SHA256(key, prefix || id) of each id, 32 bytes each."""

class Reducer:
    """Writes every level of tree.bin at its offset from the leaf records pushed in
    index order (nothing written when fd is -1); raises OverflowError((asset index,
    level)) when a sum reaches 2^128."""

    def __init__(
        self, fd: int, offsets: bytes, counts: bytes, empties: bytes, k: int, sparse: bytes = b""
    ) -> None:
        """`sparse`: (fd, base) per level (native int64 each; fd -1 for a dense level): a
        sparse level's records go to fd from base on, its offset table to its offset."""
    def push(self, leaves: Bytes, /) -> None: ...
    def finish(self) -> bytes:
        """The root record, once every leaf was pushed."""

def plain_enc_column(
    offsets: Bytes,
    data: Bytes,
    first: int,
    count: int,
    decimals: int,
    out: Bytes,
    column: int,
    k: int,
    /,
) -> bool:
    """Cells first..first+count-1 of an Arrow string column (int32 offsets, no nulls)
    as enc(value) into asset `column` of the rows of enc(balances) in `out`, when every
    one is plain decimal text below 2^128; else False."""

def binary_enc_column(
    data: Bytes,
    first: int,
    count: int,
    width: int,
    is_signed: bool,
    exponent: int,
    out: Bytes,
    column: int,
    k: int,
    /,
) -> bool:
    """Cells first..first+count-1 of an Arrow column of `width`-byte little-endian
    integers (a decimal's unscaled values, or an integer type; no nulls) times
    10^exponent as enc(value) into asset `column` of the rows in `out`, which must be
    zeroed (a zero cell is not written), when none is negative or of 2^128 or more;
    else False."""

def dec_columns(encoded: Bytes, k: int, /) -> list[list[int]]:
    """Rows of enc(balances) (16k bytes each) as one list of int per asset."""

def enc_columns(columns: list[list[int]], /) -> bytes:
    """Balances per asset column as rows of enc(balances), 16 bytes big-endian a value;
    OverflowError for a value below 0 or of 2^128 or more."""

def pack_records(
    hashes: Bytes, sums: Bytes, tails: Bytes, parts: Bytes, count: int, k: int, /
) -> tuple[bytes, bytes]:
    """Spill records (the tail as a big-endian u64, then the leaf's sparse record: hash,
    bitmap of the non-zero sums, those sums) of leaves given by hash (32 bytes each),
    rows of enc(balances) and tails (native u64), grouped by partition number (native
    u64, below `count`) in arrival order; and the count + 1 offsets of the partitions in
    the records (native u64)."""

def spill_count(data: Bytes, k: int, /) -> int:
    """The number of spill records in a partition as read; ValueError when `data` is not
    a run of spill records of `k` assets."""

def sort_records(data: Bytes, k: int, by_hash: bool, out: Bytes, /) -> bytes:
    """Spill records ordered by their leaf hash's first 8 bytes (big-endian), or by their
    tail, ties in arrival order: their whole leaf records written to the start of `out`
    (at least 32 + 16k bytes a record), their tails returned (big-endian u64)."""

def bound_heap() -> None:
    """Blocks of 1 MiB or more from mmap, returned to the system when freed (glibc)."""
