"""tree.bin's two layouts (store.py) side by side: bytes per account and proof cutting.

For the 3-asset ledger (every account holds all three) and the 30-asset sparse one of
benchmarks/support/ledgers.py, the same ledger is built with `--layout dense` and
`--layout sparse` under one --nonce-key, and for each tree:

- tree.bin's bytes per account, and the build's wall time beside the hashlib limit of
  benchmarks/tree.py (measured right before it);
- proofs cut for random accounts (export --accounts) in a fresh process, beside the
  one-core hashlib rate of a proof's 34 hashes (the yardstick of benchmarks/tree.py),
  and the sparse rate as a share of the dense one measured in the same run.

The proofs of the first accounts are compared between the layouts (they must be the
same bytes; tests/tree/test_sparse_layout.py holds every ledger shape to that).

    .venv/bin/python benchmarks/tree_layout.py                     # 1M accounts
    .venv/bin/python benchmarks/tree_layout.py --accounts 100000   # quicker

The machine's 2 cores are shared: each figure is printed with the load at that moment.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from tree import build, hash_rate, load, timed_child

sys.path.append(str(Path(__file__).resolve().parent / "support"))
from ledgers import ASSETS, SPARSE_ASSET_LIST, write_ledger, write_sparse_ledger

KEY = "ab" * 16
LAYOUTS = ("dense", "sparse")
SAME_PROOFS = 1000  # of the first accounts, compared between the layouts


def cut_rate(out: Path, n: int, cuts: int) -> tuple[float, list[str]]:
    """Proofs per second for `cuts` random accounts, and the first accounts' lines."""
    code = f"""
import random, time
from pathlib import Path
from verifier.tree.prove import Prover
p = Prover(Path({str(out)!r}))
random.seed(1)
ids = [f"user-{{random.randrange({n})}}" for _ in range({cuts})]
t = time.perf_counter()
count = sum(1 for _ in p.lines(ids))
print(time.perf_counter() - t)
print("".join(line for _, line in zip(range({SAME_PROOFS}), p.all_lines())), end="")
"""
    _, _, printed = timed_child(code)
    seconds, *lines = printed.splitlines()
    return cuts / float(seconds), lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--cuts", type=int, default=200_000, help="proofs cut per tree")
    parser.add_argument("--work", type=Path, help="where ledgers and trees go")
    args = parser.parse_args()
    n, cuts = args.accounts, min(args.cuts, args.accounts)
    work = Path(tempfile.mkdtemp(prefix="por-layout-", dir=args.work))
    try:
        for name, write, suffix, assets in (
            ("3 assets, all held", write_ledger, "csv", ASSETS),
            ("30 assets, sparse", write_sparse_ledger, "parquet", SPARSE_ASSET_LIST),
        ):
            ledger = work / f"ledger.{suffix}"
            write(ledger, n)
            rates, proofs, sizes = {}, {}, {}
            for layout in LAYOUTS:
                place = work / layout
                place.mkdir()
                b = build(ledger, assets, n, place, ["--layout", layout, "--nonce-key", KEY])
                sizes[layout] = (b.out / "tree.bin").stat().st_size / n
                rates[layout], proofs[layout] = cut_rate(b.out, n, cuts)
                limit = hash_rate() / 34
                print(
                    f"{n:,} accounts x {name}, --layout {layout}: tree.bin "
                    f"{sizes[layout]:,.1f} bytes per account; build {b.seconds:.1f} s "
                    f"({n / b.seconds / b.limit:.2f} of the hashlib limit); proofs cut "
                    f"{rates[layout]:,.0f}/s ({rates[layout] / limit:.2f}x the hashlib limit "
                    f"of 34 hashes a proof, {limit:,.0f}/s on one core); {load()}"
                )
                shutil.rmtree(place)
            ledger.unlink()
            if proofs["dense"] != proofs["sparse"]:
                sys.exit(f"{name}: the layouts cut different proofs")
            print(
                f"{n:,} accounts x {name}: sparse is {sizes['sparse'] / sizes['dense']:.1%} of "
                f"dense in size ({sizes['sparse'] / sizes['dense'] - 1:+.1%}), cuts proofs "
                f"at {rates['sparse'] / rates['dense']:.2f}x the dense rate; the first "
                f"{min(n, SAME_PROOFS):,} proofs are the same bytes"
            )
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
