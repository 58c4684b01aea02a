import mmap

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
    /,
) -> list[str]:
    """Each leaf's proof line from "balances" to the end of "siblings" (compact JSON):
    `tree` is tree.bin, `offsets` and `counts` the start and node count of each level
    0..H (u64 each), `empties` E_0..E_{H-1}, `leaves` the leaf indices (u64 each)."""
