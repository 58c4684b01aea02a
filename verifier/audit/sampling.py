"""The sample heights of a window, drawn from a seed by a rule anyone can repeat.

Rule (por-window-sample-v1): for counter = 0, 1, 2, ... take
SHA-256("por-window-sample-v1" || 0x00 || chain || 0x00 || seed || counter as 8
bytes big-endian) as a 256-bit big-endian integer r; reject r when it is at or above
the largest multiple of n below 2^256 (n = how many heights there are to draw from),
so that every height is equally likely (no modulo bias); otherwise take the height at
index r mod n, skipping one already taken (drawing without replacement), until k
heights are taken or every height is. The heights are returned in ascending order.

The default seed is the hash of the window's last block: it did not exist at the
snapshot, so the exchange could not know which blocks would be looked at, and anyone
holding the chain can recompute the sample.
"""

import hashlib

RULE = "por-window-sample-v1"
_SPACE = 1 << 256


def draw(seed: bytes, chain: str, candidates: range, k: int) -> list[int]:
    """`k` distinct heights of `candidates` (all of them when there are no more)."""
    n = len(candidates)
    if k >= n:
        return list(candidates)
    limit = _SPACE - _SPACE % n
    prefix = RULE.encode() + b"\x00" + chain.encode() + b"\x00" + seed
    taken: set[int] = set()
    counter = 0
    while len(taken) < k:
        r = int.from_bytes(hashlib.sha256(prefix + counter.to_bytes(8, "big")).digest(), "big")
        counter += 1
        if r < limit:
            taken.add(candidates[r % n])
    return sorted(taken)
