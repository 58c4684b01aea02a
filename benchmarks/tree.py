"""Tree build, proof cutting and proof verification speed, against this machine's own limit.

The limit is raw hashlib SHA-256 on messages of the sizes a tree hashes, measured in
the same run; a build needs 3 hashes per account (account id, leaf, and one parent
per leaf on average), so limit = hash rate / 3 accounts/s.

    .venv/bin/python benchmarks/tree.py                 # 100k, 1M, 10M accounts (about 3 min)
    .venv/bin/python benchmarks/tree.py --sizes 100000  # quicker
    .venv/bin/python benchmarks/tree.py --sizes 10000000 --proofs 20000  # the README figures
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from hashlib import sha256
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
ASSETS = "BTC:8,ETH:18,USDT:6"


def hash_rate(seconds: float = 1.0) -> float:
    """SHA-256 calls per second on a 161-byte message (a K=3 parent), one core."""
    msg = bytes(161)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(10000):
            sha256(msg).digest()
        n += 10000
    return n / (time.perf_counter() - start)


def write_ledger(path: Path, n: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    chunk = 1_000_000
    with pacsv.CSVWriter(
        path, pa.schema([(c, pa.string()) for c in ("account_id", "BTC", "ETH", "USDT")])
    ) as w:
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            ids = np.char.add("user-", np.arange(start, start + m).astype(str))
            btc = rng.integers(0, 10**10, m)
            eth = rng.integers(0, 10**12, m)
            usdt = rng.integers(0, 10**9, m)
            cols = [
                ids,
                np.char.add(
                    np.char.add((btc // 10**8).astype(str), "."),
                    np.char.zfill((btc % 10**8).astype(str), 8),
                ),
                np.char.add(
                    np.char.add((eth // 10**6).astype(str), "."),
                    np.char.zfill((eth % 10**6).astype(str), 6),
                ),
                np.char.add(
                    np.char.add((usdt // 10**2).astype(str), "."),
                    np.char.zfill((usdt % 10**2).astype(str), 2),
                ),
            ]
            w.write_table(
                pa.table(
                    dict(
                        zip(
                            ["account_id", "BTC", "ETH", "USDT"],
                            [pa.array(c.tolist()) for c in cols],
                            strict=True,
                        )
                    )
                )
            )


PEAK = "\nprint('PEAK', open('/proc/self/status').read().split('VmHWM:')[1].split()[0])"


def timed_child(code: str) -> tuple[float, float, str]:
    """Run code in a fresh interpreter: (seconds, peak RSS in MiB, what it printed).

    VmHWM, not ru_maxrss: a forked child's ru_maxrss starts at the parent's size."""
    start = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-c", code + PEAK], capture_output=True, text=True, cwd=ROOT, check=True
    )
    seconds = time.perf_counter() - start
    lines = p.stdout.strip().splitlines()
    return seconds, int(lines[-1].split()[1]) / 1024, "\n".join(lines[:-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument(
        "--cuts",
        type=int,
        default=200000,
        help="proofs cut (a fresh process: fewer measure mostly its first touches of the files)",
    )
    parser.add_argument("--proofs", type=int, default=20000, help="of those, proofs checked")
    parser.add_argument(
        "--verify-proofs", type=int, default=100000, help="lines of the file verify-all reads"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="por-bench-"))
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
        for n in sizes:
            ledger = work / f"ledger-{n}.csv"
            write_ledger(ledger, n)
            out = work / f"tree-{n}"
            code = (
                "from pathlib import Path\nfrom verifier.io.ledger import Ledger\n"
                "from verifier.tree.build import TREE_FILES, build_tree\n"
                "from verifier.io.assets import parse_asset_list\nfrom verifier.io.outputs import Outputs\n"
                f"out = Path({str(out)!r})\n"
                "with Outputs([], force=False, force_flag='--force') as outputs:\n"
                "    outputs.add_directory(out, '--out', TREE_FILES)\n"
                f"    build_tree(Ledger(Path({str(ledger)!r}), parse_asset_list({ASSETS!r})), "
                "'bench', 32, out, outputs=outputs)"
            )
            # the limit is measured right before each build: the machine's speed drifts
            limit = hash_rate() / 3
            seconds, rss, _ = timed_child(code)
            per_s = n / seconds
            print(
                f"build {n:>10,} accounts: {seconds:7.1f} s  {per_s:>9,.0f} accounts/s  "
                f"peak RSS {rss:6.0f} MiB  ratio to hashlib limit {per_s / limit:.2f} ({limit:,.0f}/s)"
            )
            ledger.unlink()
        n = sizes[-1]
        out = work / f"tree-{n}"
        cuts = min(args.cuts, n)
        code = f"""
import random, time
from pathlib import Path
from verifier.tree.prove import Prover
from verifier.models.proof import parse_proof
from verifier.tree.verify import verify_proof
p = Prover(Path({str(out)!r}))
ids = [f"user-{{random.randrange({n})}}" for _ in range({cuts})]
t, c = time.perf_counter(), time.process_time()
texts = [line for i, line in enumerate(p.lines(ids)) if i < {args.proofs}]
cut, cut_cpu = time.perf_counter() - t, time.process_time() - c
t, c = time.perf_counter(), time.process_time(); every = sum(1 for _ in zip(range({cuts}), p.all_lines()))
export, export_cpu = time.perf_counter() - t, time.process_time() - c
proofs = [parse_proof(s, "bench") for s in texts]
t = time.perf_counter(); verdicts = [verify_proof(x, p.root.root_commitment) for x in proofs]; check = time.perf_counter() - t
assert all(v.included for v in verdicts)
print(cut, cut_cpu, export, export_cpu, check)
"""
        rate = hash_rate()
        _, _, printed = timed_child(code)
        cut, cut_cpu, export, export_cpu, check = (float(x) for x in printed.split())
        m = min(args.proofs, cuts)  # the proofs checked are the first cut
        proof_limit = rate / 34  # one core's hashlib rate for a proof's 34 hashes
        yardstick = f"(the hashlib limit of 34 hashes a proof is {proof_limit:,.0f}/s on one core)"
        print(
            f"proofs cut from the stored {n:,}-account tree, {cuts:,} random accounts (export "
            f"--accounts): {cuts / cut:,.0f}/s (target >= 50,000/s), "
            f"{cuts / cut / proof_limit:.2f}x {yardstick}; {cuts / cut_cpu:,.0f} per CPU-second"
        )
        print(
            f"proofs cut from the stored {n:,}-account tree, the first {cuts:,} accounts in "
            f"ledger order (export): {cuts / export:,.0f}/s, {cuts / export / proof_limit:.2f}x; "
            f"{cuts / export_cpu:,.0f} per CPU-second"
        )
        print(
            f"proof verification at height 32, steps 2-6 on parsed proofs, one core: {m / check:,.0f}/s"
        )
        print(
            f"  steps 2-6 run at {(m / check) / proof_limit:.2f} of the hashlib limit "
            f"({proof_limit:,.0f} proofs/s for 34 hashes each)"
        )
        v = min(args.verify_proofs, n)
        code = f"""
import resource, time
from pathlib import Path
from verifier.tree.batch import verify_file
from verifier.tree.prove import Prover
p = Prover(Path({str(out)!r}))
path = Path({str(work)!r}) / "proofs.jsonl"
with open(path, "w") as f:
    f.writelines(line for _, line in zip(range({v}), p.all_lines()))
def cpu():  # this process and its finished children (the workers, once the pool is shut)
    return sum(resource.getrusage(w).ru_utime + resource.getrusage(w).ru_stime
               for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
for workers in (1, 2):
    t, c = time.perf_counter(), cpu(); r = verify_file(path, p.root.root_commitment, workers)
    assert r.included == r.proofs == {v}
    print(workers, time.perf_counter() - t, cpu() - c)
"""
        rate = hash_rate()
        _, _, printed = timed_child(code)
        proof_limit = rate / 34
        for line in printed.splitlines():
            workers, seconds, cpu_seconds = line.split()
            per_s = v / float(seconds)
            print(
                f"por inclusion verify-all, {v:,} proofs at height 32 (read, parse, steps 1-6), "
                f"{workers} process(es): {per_s:,.0f} proofs/s (target >= 150,000/s with 2), "
                f"{per_s / proof_limit:.2f}x the one-core hashlib limit ({proof_limit:,.0f}/s); "
                f"{v / float(cpu_seconds):,.0f} per CPU-second of all its processes"
            )
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
