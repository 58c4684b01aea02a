"""The numpy level reducer the compiled `Reducer` replaced, kept as the reference that
holds the builder and the audit to the same levels (not shipped: tests only).

A level is a C-contiguous uint8 array of R-byte records, hash || enc(sums), which is
exactly what the parent hashes: a parent is SHA256(0x01 || left record || right
record), so each hash is one slice of the child level. The 128-bit sums are added
as (hi, lo) pairs of big-endian uint64 with an explicit carry, a whole level at a
time; only the SHA-256 calls stay in a Python loop.
"""

from collections.abc import Iterable
from hashlib import sha256
from typing import BinaryIO

import numpy as np

from verifier.tree.levels import Progress
from verifier.tree.spec import NODE, empty_hashes


class SumOverflow(ValueError):
    """A sum reached 2^128: `asset` is the index of the asset, `level` where it happened."""

    def __init__(self, asset: int, level: int) -> None:
        self.asset = asset
        self.level = level
        super().__init__(f"sum of asset {asset} reaches 2^128 at level {level}")


def _pair_up(children: np.ndarray, out: np.ndarray, level: int, k: int) -> None:
    p = len(out)
    sums = children[:, 32:].view(">u8").reshape(p, 2, k, 2)
    left, right = sums[:, 0], sums[:, 1]
    lo = left[..., 1] + right[..., 1]
    carry = lo < left[..., 1]
    hi = left[..., 0] + right[..., 0]
    overflow = (hi < left[..., 0]) | ((hi + carry) < hi)
    if overflow.any():
        raise SumOverflow(int(np.argwhere(overflow)[0][1]), level + 1)
    parent_sums = out[:, 32:].view(">u8").reshape(p, k, 2)
    parent_sums[..., 0] = hi + carry
    parent_sums[..., 1] = lo
    flat = memoryview(np.ascontiguousarray(children).reshape(-1).data)
    step = 2 * children.shape[1]
    digests = b"".join(
        [sha256(NODE + flat[i : i + step]).digest() for i in range(0, p * step, step)]
    )
    out[:, :32] = np.frombuffer(digests, np.uint8).reshape(p, 32)


def parent_level(children: np.ndarray, level: int, k: int, empty: bytes) -> np.ndarray:
    """Level `level + 1` from the whole of level `level`."""
    c = len(children)
    pairs = c // 2
    out = np.empty(((c + 1) // 2, children.shape[1]), np.uint8)
    if pairs:
        _pair_up(children[: 2 * pairs], out[:pairs], level, k)
    if c % 2:
        last = np.zeros((2, children.shape[1]), np.uint8)
        last[0] = children[-1]
        last[1, :32] = np.frombuffer(empty, np.uint8)
        _pair_up(last, out[pairs:], level, k)
    return out


def reduce_levels(
    level0: Iterable[np.ndarray],
    n: int,
    height: int,
    k: int,
    sink: BinaryIO | None = None,
    progress: Progress | None = None,
) -> np.ndarray:
    """Hash from the leaves up to the root record; write every level to `sink` if given.

    `level0` yields the leaf records in index order in chunks of even length (the last
    may be odd), so that the leaf level need never be held in index order as a whole.
    """
    empties = empty_hashes(height, k)
    record = 32 + 16 * k
    level1 = np.empty(((n + 1) // 2, record), np.uint8)
    done = 0
    for chunk in level0:
        if sink is not None:
            sink.write(chunk.data)
        level1[done // 2 : (done + len(chunk) + 1) // 2] = parent_level(chunk, 0, k, empties[0])
        done += len(chunk)
        if progress:
            progress("hashing leaves into level 1", done, n)
    if done != n:
        raise ValueError(f"level 0 yielded {done} leaves, expected {n}")
    level = level1
    del level1  # each level is dropped once its parent exists
    for lv in range(1, height):
        if sink is not None:
            sink.write(level.data)
        level = parent_level(level, lv, k, empties[lv])
        if progress:
            progress("hashing upper levels", lv, height)
    if sink is not None:
        sink.write(level.data)
    return level[0]
