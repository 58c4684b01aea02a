"""The hash primitives of por-mst-v1, exactly as the spec writes them.

Everything that hashes goes through here, so that the builder, the proof cutter and
the verifier cannot drift apart. hashlib's SHA-256 is the fastest one the standard
library or PyPI offers in Python; the hot loops call it directly on bytes.
"""

from collections.abc import Sequence
from hashlib import sha256

from verifier.models.asset import AssetSpec

LEAF, NODE, EMPTY, ROOT = b"\x00", b"\x01", b"\x02", b"\x03"
MAX_VALUE = 1 << 128
VALUE_BYTES = 16


def enc(values: Sequence[int]) -> bytes:
    """K values, each 16 bytes big-endian (OverflowError if one is out of range)."""
    return b"".join(v.to_bytes(VALUE_BYTES, "big") for v in values)


def leaf_hash(account_id: str, nonce: bytes, balances: Sequence[int]) -> bytes:
    return leaf_hash_encoded(account_id, nonce, enc(balances))


def leaf_hash_encoded(account_id: str, nonce: bytes, encoded: bytes) -> bytes:
    """The leaf hash from balances already encoded with `enc` (the builder's hot path)."""
    return sha256(LEAF + nonce + sha256(account_id.encode()).digest() + encoded).digest()


def node_hash(left: bytes, left_sums: bytes, right: bytes, right_sums: bytes) -> bytes:
    """Hash of a node from its children's hashes and encoded sums."""
    return sha256(NODE + left + left_sums + right + right_sums).digest()


def empty_hashes(height: int, k: int) -> list[bytes]:
    """E_0..E_height: the hashes of empty subtrees (their sums are all zero)."""
    zero = bytes(VALUE_BYTES * k)
    out = [sha256(EMPTY).digest()]
    for _ in range(height):
        out.append(node_hash(out[-1], zero, out[-1], zero))
    return out


def asset_pairs(assets: Sequence[AssetSpec]) -> list[tuple[str, int]]:
    return [(a.symbol, a.decimals) for a in assets]


def meta(height: int, assets: Sequence[tuple[str, int]]) -> bytes:
    """`assets` as (symbol, decimals) pairs, in the tree's order."""
    parts = [height.to_bytes(1, "big"), len(assets).to_bytes(2, "big")]
    for symbol, decimals in assets:
        raw = symbol.encode()
        parts += [len(raw).to_bytes(1, "big"), raw, decimals.to_bytes(1, "big")]
    return b"".join(parts)


def root_commitment(
    snapshot_id: str, height: int, assets: Sequence[tuple[str, int]], root: bytes, root_sums: bytes
) -> bytes:
    sid = snapshot_id.encode()
    return sha256(
        ROOT + len(sid).to_bytes(2, "big") + sid + meta(height, assets) + root + root_sums
    ).digest()
