"""`por administer plan` speed: 1M customers x 3 assets, two of them short, against
the time it takes merely to read the same ledger (measured in the same run: these
machines have 2 shared cores and are noisy).

The plan's run includes everything the command does: the whole tree audit (ledger
read, every leaf hashed, the tree recomputed), the allocation, the entitlement tree
built and stored, plan.parquet, plan.csv and summary.json written.

    .venv/bin/python benchmarks/administer.py                    # 1M accounts (about 2 min)
    .venv/bin/python benchmarks/administer.py --accounts 2000    # quick
"""

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent))
from tree import ASSETS, ROOT, timed_child, write_ledger  # the sibling benchmark

DEMO = ROOT / "fixtures" / "demo" / "short"
# per asset: the share of its liabilities held (ETH and USDT short), its price in JPY
HELD = {"BTC": (11, 10), "ETH": (9, 10), "USDT": (1, 2)}
PRICES = {"BTC": "10000000", "ETH": "400000", "USDT": "150"}


def por(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "verifier", *args], capture_output=True, text=True, cwd=ROOT
    )


def report_of(tree: Path, template: Path, out: Path) -> None:
    """A real `por verify` report of the demo, turned into one of the generated tree:
    its commitment and assets, holdings short by HELD, a reserve of 1% of the value."""
    report = json.loads(template.read_text())
    root = json.loads((tree / "root.json").read_text())
    report["snapshot"]["liability_root_commitment"] = root["root_commitment"]
    lines, value = [], 0
    for asset, total in zip(root["assets"], root["root"]["sums"], strict=True):
        symbol, decimals = asset["symbol"], asset["decimals"]
        num, den = HELD[symbol]
        held = int(total) * num // den
        value += int(total) * int(PRICES[symbol]) // 10**decimals
        lines.append(
            {
                **report["assets"][0],
                "symbol": symbol,
                "decimals": decimals,
                "price": PRICES[symbol],
                "liabilities": _units(int(total), decimals),
                "customer_cold": _units(held, decimals),
                "customer_hot": "0",
            }
        )
    report["assets"] = lines
    report["reserves"] = [{**report["reserves"][0], "available": str(value // 100)}]
    out.write_text(json.dumps(report))


def _units(units: int, decimals: int) -> str:
    whole, frac = divmod(units, 10**decimals)
    return f"{whole}.{frac:0{decimals}d}" if decimals else str(whole)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.accounts
    work = Path(tempfile.mkdtemp(prefix="por-bench-administer-"))
    try:
        ledger, tree, report = work / "ledger.csv", work / "tree", work / "report.json"
        write_ledger(ledger, n)
        made = por(
            "tree", "build", str(ledger), "--assets", ASSETS, "--snapshot-id", "bench",
            "--out", str(tree),
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        demo = por(
            "verify", str(DEMO / "attestation.json"), "--offline", str(DEMO / "evidence.json"),
            "--json", str(work / "demo.json"),
        )  # fmt: skip
        assert demo.returncode == 1, demo.stderr  # the short demo fails on USDC coverage
        report_of(tree, work / "demo.json", report)
        read = (
            "from pathlib import Path\nfrom verifier.io.ledger import Ledger\n"
            "from verifier.io.assets import parse_asset_list\n"
            f"book = Ledger(Path({str(ledger)!r}), parse_asset_list({ASSETS!r}))\n"
            "print(sum(len(b.account_ids) for b in book.batches()))"
        )
        baseline, _, counted = timed_child(read)
        assert int(counted) == n
        plan = (
            "import sys\nfrom verifier.cli import app\n"
            "sys.argv = ['por', 'administer', 'plan', '--ledger', "
            f"{str(ledger)!r}, '--tree', {str(tree)!r}, '--report', {str(report)!r}, "
            f"'--out', {str(work / 'plan')!r}]\n"
            "try:\n    app()\nexcept SystemExit as e:\n    assert not e.code, e.code"
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds, rss, _ = timed_child(plan)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        start = time.perf_counter()
        check = por(
            "administer", "check", str(work / "plan"), "--ledger", str(ledger), "--tree",
            str(tree), "--report", str(report),
        )  # fmt: skip
        checked = time.perf_counter() - start
        assert check.returncode == 0, check.stdout[-2000:] + check.stderr
        print(
            f"administer plan, {n:,} accounts x 3 assets: {seconds:.1f} s (CPU {cpu:.1f} s), "
            f"peak RSS {rss:.0f} MiB "
            f"(target <= 30 s for 1M); reading the ledger alone: {baseline:.1f} s; "
            f"ratio to reading the ledger {seconds / baseline:.1f}x"
        )
        print(f"administer check of that plan: {checked:.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
