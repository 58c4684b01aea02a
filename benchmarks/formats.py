"""Whole published trees verified node by node (okx-full-tree, bitmex), against this
machine's own limit measured in the same run: raw hashlib SHA-256 over the same
number of messages of the same sizes, i.e. what a verifier that did nothing but
hash would take. The ratio says how much the parsing and exact decimal sums cost.

    .venv/bin/python benchmarks/formats.py                  # 2^16 and 2^18 leaves
    .venv/bin/python benchmarks/formats.py --leaves 65536   # quicker
"""

import argparse
import math
import random
import sys
import tempfile
import time
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.formats import builders  # noqa: E402  (the tests' tree builders generate the input)
from verifier.tree.formats import verify_file  # noqa: E402


def hash_limit(count: int, size: int) -> float:
    """Seconds for `count` bare SHA-256 calls: the best of three, the machine being noisy."""
    msg = bytes(size)
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(count):
            sha256(msg).hexdigest()
        best = min(best, time.perf_counter() - start)
    return best


def timed(path: Path) -> float:
    start = time.perf_counter()
    verdict = verify_file(path)
    elapsed = time.perf_counter() - start
    assert verdict.included, verdict.failure
    return elapsed


def okx(leaves: int, d: Path) -> None:
    rng = random.Random(1)
    customers = [
        [
            [
                f"{rng.randrange(10**9) / 10**8:.8f}".rstrip("0").rstrip("."),
                "0",
                str(rng.randrange(10**6)),
            ]
        ]
        for _ in range(leaves)
    ]
    _, tree = builders.okx_full_tree(customers, 0)
    path = d / "okx.txt"
    path.write_text(tree)
    nodes = tree.count("\n")
    took = timed(path)
    limit = hash_limit(leaves - 1, 64 * 2 + 40)  # one hash per internal node
    print(
        f"okx-full-tree {leaves:>8} leaves, {nodes:>8} lines: {took:6.2f} s, {nodes / took:>9,.0f} lines/s, {took / limit:5.1f}x the bare hashing limit"
    )


def bitmex(leaves: int, d: Path) -> None:
    rng = random.Random(2)
    key = bytes(32)
    path = d / "bitmex.txt"
    path.write_text(builders.bitmex([(rng.randrange(10**8), key) for _ in range(leaves)], 1))
    took = timed(path)
    limit = hash_limit(leaves - 1, 80)
    print(
        f"bitmex        {leaves:>8} leaves, {2 * leaves - 1:>8} lines: {took:6.2f} s, {(2 * leaves - 1) / took:>9,.0f} lines/s, {took / limit:5.1f}x the bare hashing limit"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leaves", type=int, nargs="*", default=[1 << 16, 1 << 18])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.leaves:
            okx(n, Path(tmp))
            bitmex(n, Path(tmp))


if __name__ == "__main__":
    main()
