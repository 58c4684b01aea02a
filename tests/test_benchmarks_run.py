"""Every benchmark still runs (on tiny inputs): a benchmark that rots unnoticed
measures nothing. The figures themselves are never asserted here.

The sparse ledger generator is held to the distribution its docstring states (and
the README's Speed section relies on): it is read back through the ledger reader, so
the reader is also shown to accept what the benchmark builds from."""

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT
from verifier.io.assets import parse_asset_list
from verifier.io.ledger import Ledger

BENCHMARKS = ROOT / "benchmarks"

RUNS = [
    # exits 1 when its targets are missed, as they are on 60 addresses
    ("chains.py", ["--addresses", "60"], "fewer round trips"),
    ("chains_bitcoin.py", ["--blocks", "1", "--txs", "5"], "parse_block (checked)"),
    ("ownership.py", ["--count", "400"], "ratio to raw recovery"),
    ("formats.py", ["--leaves", "64"], "the bare hashing limit"),
    ("page.py", ["--height", "8", "--proofs", "5"], "page (Chromium)"),
    ("zk.py", ["--proofs", "2"], "ms per proof"),
    # exits 1 when its targets are missed, as they are on 4 samples (first and last
    # block are read beside them)
    ("window.py", ["--addresses", "60", "--blocks", "40", "--samples", "4"], "blocks parsed"),
    ("administer.py", ["--accounts", "300"], "ratio to reading the ledger"),
    ("tree_layout.py", ["--accounts", "300", "--cuts", "100"], "proofs are the same bytes"),
]


def run(script: str, *args: str, may_miss: bool = False) -> str:
    p = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert p.returncode in ((0, 1) if may_miss else (0,)), p.stderr[-2000:]
    assert "Traceback" not in p.stderr
    return p.stdout


@pytest.mark.parametrize(("script", "args", "expect"), RUNS, ids=[r[0] for r in RUNS])
def test_benchmark_runs(script: str, args: list[str], expect: str) -> None:
    out = run(script, *args, may_miss=script in ("chains.py", "window.py"))
    assert expect in out, out[-2000:]


def test_tree_benchmark_prints_every_row() -> None:
    """Two dense sizes (for the RSS growth line), one sparse, a --memory the builder
    may or may not have: each of issue 12's rows is printed."""
    out = run(
        "tree.py",
        *("--sizes", "2000,4000", "--sparse-sizes", "3000", "--memory", "1G"),
        *("--cuts", "300", "--proofs", "50", "--verify-proofs", "500"),
    )
    for row in (
        "build       2,000 accounts x  3 assets, end to end",
        "build       4,000 accounts x  3 assets, end to end",
        "build       3,000 accounts x 30 assets, end to end",
        "of the hashlib limit",
        "of the limit per CPU-second",
        "all its processes, sampled",
        "disk per million accounts: peak",
        "bytes per account measured",
        "non-zero sums per record, of 30",
        "levels 0 and 1 sparse",
        "peak RSS from 2,000 to 4,000 accounts x 3",
        "proofs cut from the stored 4,000-account tree",
        "verify-all, 500 proofs at height 32",
        "2 process(es)",
        "load ",
    ):
        assert row in out, out[-3000:]


def generate(path: Path, accounts: int, *flags: str) -> str:
    """Run the generator; the asset list it prints."""
    return run("support/ledgers.py", str(path), "--accounts", str(accounts), *flags).strip()


N = 20_000


@pytest.fixture(scope="module")
def sparse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("sparse") / "ledger.parquet"
    return path, generate(path, N, "--sparse", "--seed", "7")


@pytest.fixture(scope="module")
def held(sparse: tuple[Path, str]) -> np.ndarray:
    """accounts x 30: which balances are non-zero, as the ledger reader reads them."""
    path, assets = sparse
    columns: list[list[int]] = []
    for batch in Ledger(path, parse_asset_list(assets)).batches():
        rows = np.array(batch.balances, dtype=object).T != 0
        columns.extend(rows.tolist())
    return np.array(columns, dtype=bool)


def test_sparse_ledger_has_30_assets_and_every_account(
    sparse: tuple[Path, str], held: np.ndarray
) -> None:
    _, assets = sparse
    assert len(parse_asset_list(assets)) == 30
    assert held.shape == (N, 30)


def test_sparse_ledger_holdings_follow_the_stated_distribution(held: np.ndarray) -> None:
    """Docstring: 8% dormant; of the holders nine in ten hold 1-3 assets, 1.8 on
    average; BTC, ETH, USDT the most held, in that order. Bounds are many standard
    deviations wide at 20,000 accounts, and the file is fixed by its seed."""
    count = held.sum(axis=1)
    assert 0.06 <= (count == 0).mean() <= 0.10
    holders = count[count > 0]
    assert 0.88 <= ((holders >= 1) & (holders <= 3)).mean() <= 0.94
    assert 1.7 <= holders.mean() <= 1.95
    assert holders.max() <= 30
    per_asset = held.sum(axis=0)
    order = np.argsort(-per_asset)
    assert order[:3].tolist() == [0, 1, 2]  # BTC, ETH, USDT
    assert per_asset.min() > 0  # every asset has holders, the rarest too
    assert 0.40 <= per_asset[0] / (count > 0).sum() <= 0.55  # BTC: about half the holders


def test_sparse_ledger_is_read_exactly(sparse: tuple[Path, str]) -> None:
    """The reader scales each stored decimal to the asset's decimals exactly (ETH is
    stored to 14 digits, its base units have 18): its totals equal the decimals'."""
    path, assets = sparse
    specs = parse_asset_list(assets)
    totals = [0] * len(specs)
    for batch in Ledger(path, specs).batches():
        for i, column in enumerate(batch.balances):
            totals[i] += sum(column)
    table = pq.read_table(path)
    for spec, total in zip(specs, totals, strict=True):
        exact = sum(Decimal(v) for v in table[spec.symbol].to_pylist()) * 10**spec.decimals
        assert total == int(exact), spec.symbol
    assert all(t > 0 for t in totals)


def test_generators_are_deterministic_per_seed(tmp_path: Path) -> None:
    for flags, name in ((["--sparse"], "l.parquet"), ([], "l.csv")):
        a, b, c = (tmp_path / f"{x}-{name}" for x in "abc")
        generate(a, 3000, *flags, "--seed", "3")
        generate(b, 3000, *flags, "--seed", "3")
        generate(c, 3000, *flags, "--seed", "4")
        assert a.read_bytes() == b.read_bytes()
        assert a.read_bytes() != c.read_bytes()
