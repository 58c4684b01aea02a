"""Tree build, proof cutting and proof verification speed, against this machine's own limit.

Each of issue 12's targets is printed beside the limit measured in the same run and
the load average at that moment (the machine's 2 cores are shared):

- a build is `por tree build` run end to end as its own process (start-up, ledger
  read, leaves, levels, tree.bin, accounts.sqlite): its wall and CPU time, its peak
  RSS (the kernel's ru_maxrss of that process, read by a small launcher: see
  `LAUNCH`; and the summed PSS of all its processes, sampled), and the disk it used at its peak (output directory and TMPDIR, polled)
  and at its end, per million accounts. `--memory` is passed only when the installed
  builder offers it (`por tree build --help` says so).
- the limit is hashlib SHA-256 on one core on the messages a tree hashes: per account
  an account id, a leaf (65 + 16K bytes) and on average one parent (65 + 32K bytes).
- tree.bin's cost per account at K assets, from the layout (store.py) and measured,
  and for the sparse ledger how many of each level's sums are non-zero, and what a
  sparse encoding of the low levels would save (README, Speed).
- proofs cut from the largest stored 3-asset tree; `verify-all` on 1 and 2 processes.

    .venv/bin/python benchmarks/tree.py                  # 1M and 10M x 3, 10M x 30 sparse
    .venv/bin/python benchmarks/tree.py --with-100m      # adds 100M x 3 (6 GB of CSV, 25 GB of tree)
    .venv/bin/python benchmarks/tree.py --sizes 1000000 --sparse-sizes 1000000  # quicker

Ledgers come from benchmarks/support/ledgers.py (its docstring describes the sparse
one; it lives apart so that `./tasks bench`, which runs every benchmarks/*.py, skips it).
"""

import argparse
import contextlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

import numpy as np

sys.path.append(str(Path(__file__).resolve().parent / "support"))
from ledgers import (  # not a benchmark itself; administer.py imports these from here
    ASSETS,
    SPARSE_ASSET_LIST,
    write_ledger,
    write_sparse_ledger,
)

ROOT = Path(__file__).resolve().parent.parent
# (accounts, assets) -> issue 12's target for that build
TARGETS = {
    (1_000_000, 3): "<= 2.5 s, >= 0.4 of the limit",
    (10_000_000, 3): "<= 25 s, peak RSS <= 2 GiB",
    (100_000_000, 3): "<= 5 min, peak RSS <= 2 GiB, disk stated",
    (10_000_000, 30): "<= 60 s, peak RSS <= 2 GiB",
}
# Runs a command as its child and writes the child's rusage to the file named first.
# A child's ru_maxrss starts at its parent's peak RSS (fork copies the high-water mark
# and exec keeps it), so the build is forked from this fresh ~10 MiB interpreter, not
# from the benchmark, whose ledger generation or earlier work would be counted.
LAUNCH = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump({"status": os.waitstatus_to_exitcode(status), "maxrss_kib": ru.ru_maxrss,
               "cpu": ru.ru_utime + ru.ru_stime}, f)
"""


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} (1/5 min)"


def seconds_per_hash(size: int, seconds: float = 0.3) -> tuple[float, float]:
    """Wall and CPU seconds per SHA-256 of `size` bytes on one core: under load the wall
    figure drops with the share of a core this process gets, the CPU figure much less."""
    msg = bytes(size)
    n, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for _ in range(5000):
            sha256(msg).digest()
        n += 5000
    return (time.perf_counter() - start) / n, (time.process_time() - cpu) / n


def account_limit(k: int) -> tuple[float, float]:
    """Accounts/s one core's hashlib allows, per wall and per CPU second: an id
    ("user-1234567"), a leaf and a parent."""
    costs = [seconds_per_hash(size) for size in (12, 65 + 16 * k, 65 + 32 * k)]
    return 1 / sum(wall for wall, _ in costs), 1 / sum(cpu for _, cpu in costs)


def hash_rate() -> float:
    """SHA-256 calls per second on a 161-byte message (a K=3 parent), one core."""
    return 1 / seconds_per_hash(161, 1.0)[0]


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


def disk_used(*dirs: Path) -> int:
    """Bytes allocated under the directories (st_blocks: what the disk really gives)."""
    total = 0
    for top in dirs:
        for parent, _, files in os.walk(top):
            for name in files:
                # a temporary file may be renamed or removed between listing and stat
                with contextlib.suppress(FileNotFoundError):
                    total += os.lstat(os.path.join(parent, name)).st_blocks * 512
    return total


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux's /proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        with contextlib.suppress(OSError):  # it may have ended since it was listed
            for task in os.listdir(f"/proc/{parent}/task"):
                with open(f"/proc/{parent}/task/{task}/children") as f:
                    children = [int(c) for c in f.read().split()]
                found += children
                todo += children
    return found


def pss_kib(pid: int) -> int:
    """Proportional set size: pages shared between the build's processes count once."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


class Watch:
    """Polled while the build runs: the largest `disk_used`, and the largest memory of
    all the launcher's descendants together (a builder that works in several processes
    is held to its budget as a whole; ru_maxrss gives only its largest process)."""

    def __init__(self, launcher: int, *dirs: Path) -> None:
        self.launcher, self.dirs = launcher, dirs
        self.disk_peak = self.memory_peak_kib = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._done.wait(0.2):
            self.disk_peak = max(self.disk_peak, disk_used(*self.dirs))
            memory = sum(pss_kib(pid) for pid in descendants(self.launcher))
            self.memory_peak_kib = max(self.memory_peak_kib, memory)

    def __enter__(self) -> "Watch":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()
        self.disk_peak = max(self.disk_peak, disk_used(*self.dirs))


@dataclass
class Build:
    n: int
    k: int
    out: Path
    seconds: float
    cpu: float
    rss_mib: float  # ru_maxrss: the largest process
    all_mib: float  # the sum over its processes, sampled
    disk_peak: int
    limit: float  # accounts/s, measured right before
    cpu_limit: float  # accounts per CPU-second
    load: str


def por(*args: str) -> list[str]:
    return [sys.executable, "-m", "verifier", *args]


def memory_option(budget: str | None) -> list[str]:
    """`--memory X` when the builder has the option (asked, not assumed)."""
    if budget is None:
        return []
    help_text = subprocess.run(
        por("tree", "build", "--help"), capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    if "--memory" not in help_text:
        print(f"(this builder has no --memory: {budget} is not passed)")
        return []
    return ["--memory", budget]


def build(ledger: Path, assets: str, n: int, work: Path, extra: list[str]) -> Build:
    out, tmp = work / f"tree-{n}-{ledger.suffix[1:]}", work / "tmp"
    tmp.mkdir(exist_ok=True)
    k = assets.count(",") + 1
    limit, cpu_limit = account_limit(k)  # right before: the machine's speed drifts
    result = work / "rusage.json"
    command = por("tree", "build", str(ledger), "--assets", assets, "--snapshot-id", "bench")
    command += ["--out", str(out), *extra]
    env = {**os.environ, "TMPDIR": str(tmp)}  # so that its temporary files are counted
    start = time.perf_counter()
    with (
        subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(result), *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        ) as p,
        Watch(p.pid, out, tmp) as watch,
    ):
        _, stderr = p.communicate()
    seconds = time.perf_counter() - start
    usage = json.loads(result.read_text())
    if p.returncode or usage["status"]:
        sys.exit(f"por tree build failed ({usage['status']}):\n{stderr[-3000:]}")
    return Build(
        n,
        k,
        out,
        seconds,
        usage["cpu"],
        usage["maxrss_kib"] / 1024,
        watch.memory_peak_kib / 1024,
        watch.disk_peak,
        limit,
        cpu_limit,
        load(),
    )


def report_build(b: Build) -> None:
    per_s = b.n / b.seconds
    target = TARGETS.get((b.n, b.k), "")
    print(
        f"build {b.n:>11,} accounts x {b.k:>2} assets, end to end: {b.seconds:7.1f} s "
        f"(CPU {b.cpu:.1f} s), {per_s:>9,.0f} accounts/s, peak RSS {b.rss_mib:6,.0f} MiB "
        f"(all its processes, sampled: {b.all_mib:,.0f} MiB PSS); "
        f"ratio {per_s / b.limit:.2f} of the hashlib limit ({b.limit:,.0f} accounts/s); "
        f"per CPU-second {b.n / b.cpu:,.0f} accounts, {b.n / b.cpu / b.cpu_limit:.2f} of the "
        f"limit per CPU-second ({b.cpu_limit:,.0f}); "
        f"{b.load}" + (f"; target {target}" if target else "")
    )
    sizes = {p.name: p.stat().st_size for p in sorted(b.out.iterdir())}
    final = disk_used(b.out)
    million = b.n / 1e6
    print(
        f"  disk per million accounts: peak {b.disk_peak / million / 1e6:,.0f} MB while "
        f"building (output directory and TMPDIR), {final / million / 1e6:,.0f} MB at the end ("
        + ", ".join(f"{name} {size / million / 1e6:,.0f} MB" for name, size in sizes.items())
        + ")"
    )


@dataclass
class Level:
    count: int
    nonzero: float  # mean non-zero sums per record (of K), on up to SAMPLE records


SAMPLE = 1 << 20  # records read per level: leaf order is random, so a prefix is a fair sample


def tree_levels(path: Path) -> tuple[int, int, list[Level]] | None:
    """(accounts, K, levels) of a stored tree.bin, by the layout in store.py's docstring;
    None when the file is not in that layout (a newer builder may write another)."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:8] != b"PORMST\x01\n":
            return None
        height, k, n = (
            head[8],
            int.from_bytes(head[9:11], "big"),
            int.from_bytes(head[11:19], "big"),
        )
        record = 32 + 16 * k
        counts = [math.ceil(n / 2**level) for level in range(height + 1)]
        if 64 + sum(counts) * record != size:
            return None
        levels, offset = [], 64
        for count in counts:
            seen = min(count, SAMPLE)
            nonzero = 0
            f.seek(offset)
            for first in range(0, seen, 1 << 16):
                rows = min(1 << 16, seen - first)
                raw = np.frombuffer(f.read(rows * record), np.uint8)
                sums = raw.reshape(rows, record)[:, 32:].reshape(rows, k, 16)
                nonzero += int(sums.any(axis=2).sum())
            levels.append(Level(count, nonzero / seen))
            offset += count * record
        return n, k, levels


def report_layout(tree_bin: Path) -> None:
    """tree.bin per account from the layout and measured; for a sparse ledger, the
    density of each level's sums and what a sparse low-level encoding would save."""
    shape = tree_levels(tree_bin)
    if shape is None:
        print(f"  {tree_bin.name}: not in the por-mst-v1 layout of store.py; not analysed")
        return
    n, k, levels = shape
    record = 32 + 16 * k
    dense = [lv.count * record for lv in levels]
    total = 64 + sum(dense)
    print(
        f"  tree.bin: {tree_bin.stat().st_size / n:,.1f} bytes per account measured, "
        f"{total / n:,.1f} by the layout (64 + sum over levels of ceil(n/2^l) x {record}); "
        f"level 0 is {dense[0] / total:.1%} of the file, level 1 {dense[1] / total:.1%}"
    )
    if k < 10:
        return
    shown = ", ".join(f"l{i} {lv.nonzero:.2f}" for i, lv in enumerate(levels[:8]))
    print(f"  non-zero sums per record, of {k}: {shown}")
    # a sparse record: hash, a bitmap of the non-zero sums, those sums; 8-byte offsets
    bitmap = math.ceil(k / 8)
    sparse = [lv.count * (32 + bitmap + 16 * lv.nonzero + 8) for lv in levels]
    for low, which in ((1, "level 0"), (2, "levels 0 and 1")):
        saved = sum(d - s for d, s in zip(dense[:low], sparse[:low], strict=True))
        print(
            f"  {which} sparse (hash, {bitmap}-byte bitmap, non-zero sums, an 8-byte offset "
            f"per record): {(total - saved) / n:,.1f} bytes per account, {saved / total:.1%} less"
        )
    best = sum(min(d, s) for d, s in zip(dense, sparse, strict=True))
    print(f"  every level in its smaller encoding: {best / n:,.1f} bytes per account")


def one_proof(out: Path, n: int) -> None:
    """`por tree proof DIR ID` as a customer service would run it, a process a proof,
    for three random accounts (the page cache as the cuts left it), beside the start-up
    that any `por tree` command pays (`por tree proof --help`)."""
    times = []
    for account in random.sample(range(n), 3):
        start = time.perf_counter()
        subprocess.run(
            por("tree", "proof", str(out), f"user-{account}"),
            capture_output=True,
            cwd=ROOT,
            check=True,
        )
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    subprocess.run(por("tree", "proof", "--help"), capture_output=True, cwd=ROOT, check=True)
    startup = time.perf_counter() - start
    print(
        f"  por tree proof DIR ID, one process each: {', '.join(f'{t:.2f}' for t in times)} s "
        f"(of it the start-up, `por tree proof --help`: {startup:.2f} s)"
    )


def cut_and_verify(out: Path, n: int, work: Path, args: argparse.Namespace) -> None:
    """Random proofs right after the build (the page cache holds what the build wrote
    last), then once tree.bin and lookup.bin were read into the page cache (timed: what
    a proof service pays once), then through accounts.sqlite alone (trees built before
    lookup.bin), then in ledger order. Each random run asks for other accounts, so that
    no run warms the next one's pages."""
    cuts = min(args.cuts, n)
    code = f"""
import random, time
from pathlib import Path
from verifier.tree.prove import Prover
from verifier.models.proof import parse_proof
from verifier.tree.verify import verify_proof
d = Path({str(out)!r})
p = Prover(d)
def cut(lookup):
    saved, p.lookup = p.lookup, (p.lookup if lookup else None)
    ids = [f"user-{{random.randrange({n})}}" for _ in range({cuts})]
    t, c = time.perf_counter(), time.process_time()
    texts = [line for i, line in enumerate(p.lines(ids)) if i < {args.proofs}]
    p.lookup = saved
    return time.perf_counter() - t, time.process_time() - c, texts
after_build, after_build_cpu, texts = cut(True)
files = [d / "tree.bin", d / "lookup.bin"]
# read twice: a page read once waits on the kernel's inactive list, where the next
# file read pushes it out; read again, it is active, as a service's pages become
t = time.perf_counter()
for f in files * 2:
    with open(f, "rb") as r:
        while r.read(1 << 24):
            pass
warm_up = time.perf_counter() - t
warm, warm_cpu, _ = cut(True)
old, old_cpu, _ = cut(False)
t, c = time.perf_counter(), time.process_time(); every = sum(1 for _ in zip(range({cuts}), p.all_lines()))
export, export_cpu = time.perf_counter() - t, time.process_time() - c
proofs = [parse_proof(s, "bench") for s in texts]
t = time.perf_counter(); verdicts = [verify_proof(x, p.root.root_commitment) for x in proofs]; check = time.perf_counter() - t
assert all(v.included for v in verdicts)
print(after_build, after_build_cpu, warm_up, warm, warm_cpu, old, old_cpu, export, export_cpu, check)
"""
    rate = hash_rate()
    _, _, printed = timed_child(code)
    after, after_cpu, warm_up, warm, warm_cpu, old, old_cpu, export, export_cpu, check = (
        float(x) for x in printed.split()
    )
    m = min(args.proofs, cuts)  # the proofs checked are the first cut
    proof_limit = rate / 34  # one core's hashlib rate for a proof's 34 hashes
    yardstick = f"the hashlib limit of 34 hashes a proof is {proof_limit:,.0f}/s on one core"
    sizes = sum((out / name).stat().st_size for name in ("tree.bin", "lookup.bin"))
    print(
        f"proofs cut from the stored {n:,}-account tree ({yardstick}; target >= 50,000/s "
        f"from a 100M tree), {cuts:,} random accounts each, {load()}:"
    )
    for what, wall, cpu in (
        ("right after the build, through lookup.bin", after, after_cpu),
        (
            f"tree.bin and lookup.bin in the page cache (reading their {sizes / 1e9:,.1f} GB "
            f"twice took {warm_up:.1f} s), through lookup.bin",
            warm,
            warm_cpu,
        ),
        ("the same, through accounts.sqlite alone (a tree without lookup.bin)", old, old_cpu),
        (f"the first {cuts:,} accounts in ledger order (export)", export, export_cpu),
    ):
        print(
            f"  {what}: {cuts / wall:,.0f}/s, {cuts / wall / proof_limit:.2f}x; "
            f"{cuts / cpu:,.0f} per CPU-second"
        )
    one_proof(out, n)
    print(
        f"proof verification at height 32, steps 2-6 on parsed proofs, one core: {m / check:,.0f}/s"
        f" ({(m / check) / proof_limit:.2f} of the hashlib limit)"
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
            f"{v / float(cpu_seconds):,.0f} per CPU-second of all its processes; {load()}"
        )


def sizes(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s.strip()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=sizes, default="1000000,10000000", help="3-asset builds")
    parser.add_argument(
        "--sparse-sizes", type=sizes, default="10000000", help="30-asset sparse builds"
    )
    parser.add_argument("--with-100m", action="store_true", help="add a 100M x 3 build")
    parser.add_argument("--memory", help="passed to por tree build when it has --memory")
    parser.add_argument(
        "--work", type=Path, help="where ledgers and trees go (default: a temporary directory)"
    )
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
    dense = sorted(set(args.sizes + ([100_000_000] if args.with_100m else [])))
    work = Path(tempfile.mkdtemp(prefix="por-bench-", dir=args.work))
    try:
        extra = memory_option(args.memory)
        start = time.perf_counter()
        subprocess.run(por("tree", "build", "--help"), capture_output=True, cwd=ROOT, check=True)
        print(f"(CLI start-up, in every build's time: {time.perf_counter() - start:.2f} s)")
        builds: list[Build] = []
        for n in dense:
            ledger = work / f"ledger-{n}.csv"
            write_ledger(ledger, n)
            builds.append(build(ledger, ASSETS, n, work, extra))
            ledger.unlink()
            report_build(builds[-1])
            report_layout(builds[-1].out / "tree.bin")
            if n != max(dense):  # the largest is kept to cut proofs from
                shutil.rmtree(builds[-1].out)
        if len(builds) > 1:
            small, large = builds[0], builds[-1]
            growth = large.rss_mib / small.rss_mib - 1
            print(
                f"peak RSS from {small.n:,} to {large.n:,} accounts x 3: {small.rss_mib:,.0f} "
                f"-> {large.rss_mib:,.0f} MiB, grows {growth:.0%} (target < 25% from 1M to 10M)"
            )
        if dense:  # before the sparse builds, whose files would push it out of the page cache
            cut_and_verify(builds[-1].out, dense[-1], work, args)
            shutil.rmtree(builds[-1].out)
        for n in args.sparse_sizes:
            ledger = work / f"ledger-{n}.parquet"
            write_sparse_ledger(ledger, n)
            b = build(ledger, SPARSE_ASSET_LIST, n, work, extra)
            ledger.unlink()
            report_build(b)
            report_layout(b.out / "tree.bin")
            shutil.rmtree(b.out)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
