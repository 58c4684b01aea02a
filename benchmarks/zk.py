"""Poseidon (verifier/tree/poseidon.py, pure Python) on the zk proof-of-solvency family:
one two-input hash, the 28-level path alone, and a whole customer proof of each vendor
(file read, leaf with its asset commitment, path, root compared) with verify_file. The
asset commitment is most of a proof: Gate hashes 534 field elements (45 permutations
of width 13), HTX 174, Binance 100 or 1,000 by tier; a level is one permutation of 3.

    .venv/bin/python benchmarks/zk.py [--proofs 20]
"""

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.formats import builders, test_zk  # noqa: E402  (the tests' files are the input)
from verifier.tree import poseidon  # noqa: E402
from verifier.tree.formats import verify_file  # noqa: E402


def best(runs: int, work: Callable[[], object]) -> float:
    """Seconds for one call of `work`: the best of `runs`, the machine being shared."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--proofs", type=int, default=20)
    runs = parser.parse_args().proofs
    rng = random.Random(1)
    pair = [rng.randrange(poseidon.MODULUS) for _ in range(2)]
    path = test_zk.siblings(1)
    one = best(runs * 28, lambda: poseidon.hash_elements(pair))
    levels = best(runs, lambda: builders.zk_root(pair[0], 12345, path))
    print(f"poseidon, 2 inputs: {one * 1e3:6.2f} ms; 28-level path: {levels * 1e3:6.1f} ms")
    with tempfile.TemporaryDirectory() as d:
        for fmt, make in test_zk.GENERATED.items():
            doc = make()
            file = test_zk.write(Path(d), doc, f"{fmt}.json")
            root = test_zk.root_of(doc)
            assert verify_file(file, commitment=root).included
            took = best(runs, lambda f=file, r=root: verify_file(f, commitment=r))
            print(
                f"{fmt:<10} one proof (leaf, asset commitment, 28 levels): {took * 1e3:6.1f} ms per proof"
            )


if __name__ == "__main__":
    main()
