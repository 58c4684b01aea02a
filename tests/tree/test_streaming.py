"""The streaming builder against the in-memory one it replaced (tests/tree/reference_build.py):
the same root.json, tree.bin and proofs for every ledger, however many partitions the
memory budget splits it into; its compiled parts against the spec's Python; its memory
and disk budgets."""

import hmac
import math
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.tree.helpers import build_tree as cli_build
from tests.tree.helpers import write_ledger
from tests.tree.reference_build import reference_build
from verifier.errors import InputError, OptionError
from verifier.io.ledger import LedgerBatch
from verifier.io.outputs import PARTIAL, Outputs
from verifier.models.asset import AssetSpec
from verifier.tree import build as build_module
from verifier.tree._fastverify import (
    hmac_nonces,
    leaf_hashes,
    pack_records,
    sort_records,
    spill_count,
)
from verifier.tree.build import (
    TREE_FILES,
    build_tree,
    fixed_bytes,
    parse_memory,
    partition_cost,
    plan_build,
)
from verifier.tree.prove import Prover, proof_json
from verifier.tree.spec import MAX_VALUE, leaf_hash
from verifier.tree.store import Accounts

KEY = b"\x5a" * 32


@dataclass
class Book:
    """Accounts held in memory, served in batches of `step` rows: a LeafSource."""

    path: Path
    assets: list[AssetSpec]
    ids: list[str]
    columns: list[list[int]]
    step: int = 7
    rows: int = 0
    negatives_zeroed: int = field(default=0)

    def count_rows(self) -> int:
        return len(self.ids)

    def batches(self) -> Iterator[LedgerBatch]:
        for start in range(0, len(self.ids), self.step):
            end = start + self.step
            yield LedgerBatch(start + 1, self.ids[start:end], [c[start:end] for c in self.columns])
            self.rows = min(end, len(self.ids))


def memory_for(n: int, k: int, partitions: int) -> int:
    """A budget that leaves room for 1/partitions of the leaves (so about that many)."""
    return fixed_bytes(k) + math.ceil(n * partition_cost(k) * 1.25 / partitions)


def streamed(book: Book, out: Path, height: int, memory: int) -> None:
    with Outputs([], force=False, force_flag="--force") as outputs:
        outputs.add_directory(out, "--out", TREE_FILES)
        build_tree(book, "snap", height, out, KEY, outputs=outputs, memory=memory)


def same_trees(book: Book, tmp: Path, height: int, memory: int) -> None:
    reference_build(book, "snap", height, tmp / "ref", KEY)
    streamed(book, tmp / "new", height, memory)
    for name in ("tree.bin", "root.json"):
        assert (tmp / "new" / name).read_bytes() == (tmp / "ref" / name).read_bytes(), name
    ref, new = Accounts(tmp / "ref" / "accounts.sqlite"), Accounts(tmp / "new" / "accounts.sqlite")
    assert list(new.all()) == list(ref.all())
    assert new.count() == ref.count() and new.meta == ref.meta
    assert [p.name for p in (tmp / "new").iterdir() if PARTIAL in p.name] == []
    old, now = Prover(tmp / "ref"), Prover(tmp / "new")
    for account_id in book.ids:
        assert proof_json(now.proof(account_id)) == proof_json(old.proof(account_id))


def assets_of(k: int) -> list[AssetSpec]:
    return [AssetSpec(symbol=f"A{j}", decimals=j % 19) for j in range(k)]


# sizes on both sides of every power of two up to 64, and a few beyond
SIZES = sorted({max(1, (1 << p) + d) for p in range(7) for d in (-1, 0, 1)} | {100, 129, 257})


@st.composite
def column(draw: st.DrawFn, n: int) -> list[int]:
    kind = draw(st.sampled_from(["zero", "small", "wide", "maximal"]))
    if kind == "zero":
        return [0] * n
    if kind == "small":
        return draw(st.lists(st.integers(0, 10**12), min_size=n, max_size=n))
    if kind == "wide":  # any values whose total still fits 128 bits
        return draw(st.lists(st.integers(0, (MAX_VALUE - 1) // n), min_size=n, max_size=n))
    # a total of exactly 2^128 - 1, the most por-mst-v1 holds
    parts = draw(st.lists(st.integers(0, (MAX_VALUE - 1) // n), min_size=n - 1, max_size=n - 1))
    return [*parts, MAX_VALUE - 1 - sum(parts)]


@st.composite
def books(draw: st.DrawFn) -> tuple[Book, int, int]:
    n = draw(st.sampled_from(SIZES))
    k = draw(st.integers(1, 40))
    tails = ["", "é", "口", "x" * 40, 'q"\\\n\t', "007", "null"]  # JSON-ish ids too
    ids = [f"u{i}-{draw(st.sampled_from(tails))}" for i in range(n)]
    book = Book(Path("book"), assets_of(k), ids, [draw(column(n)) for _ in range(k)])
    book.step = draw(st.sampled_from([1, 5, 64]))
    height = max(1, (n - 1).bit_length()) + draw(st.sampled_from([0, 0, 1, 3]))
    partitions = draw(st.sampled_from([1, 2, 5, 64]))
    return book, height, memory_for(n, k, partitions)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=books())
def test_the_streaming_build_writes_what_the_reference_writes(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[Book, int, int]
) -> None:
    book, height, memory = case
    same_trees(book, tmp_path_factory.mktemp("same"), height, memory)


def test_thousands_of_leaves_on_both_threads_with_odd_counts(tmp_path: Path) -> None:
    """Batches and partitions large enough that the compiled code splits the leaf
    hashes and the pairs of the lowest levels over two threads (2,048 or more each),
    in two partitions, with an odd count at every level."""
    n = 9001
    book = Book(
        Path("book"),
        assets_of(2),
        [f"user-{i}" for i in range(n)],
        [[i * 7919 % 100003 for i in range(n)], [0] * (n - 1) + [MAX_VALUE - 1]],
        step=4096,
    )
    memory = memory_for(n, 2, 2)
    assert plan_build(n, 2, 20, memory).bits == 1
    same_trees(book, tmp_path, 20, memory)


@settings(max_examples=30, deadline=None)
@given(
    key=st.binary(min_size=16, max_size=100),
    snapshot=st.text(max_size=20),
    ids=st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=3000),
)
def test_the_compiled_nonces_and_leaves_are_the_specs(
    key: bytes, snapshot: str, ids: list[str]
) -> None:
    ids = [i.encode("utf-8", "replace").decode() for i in ids]  # no lone surrogates
    prefix = snapshot.encode("utf-8", "replace") + b"\0"
    nonces = hmac_nonces(key, prefix, ids)
    assert nonces == b"".join(hmac.digest(key, prefix + a.encode(), "sha256") for a in ids)
    balances = [[i, MAX_VALUE - 1 - i] for i in range(len(ids))]
    sums = b"".join(v.to_bytes(16, "big") for row in balances for v in row)
    hashes = leaf_hashes(ids, nonces, sums, 2)
    assert hashes == b"".join(
        leaf_hash(a, nonces[32 * i : 32 * i + 32], balances[i]) for i, a in enumerate(ids)
    )


def test_a_total_past_128_bits_is_refused_as_the_reference_refuses_it(tmp_path: Path) -> None:
    """The sums overflow at different places in the stream: the asset named is the one
    whose total does not fit, whichever partition meets it first."""
    n = 40
    columns = [[1] * n, [0] * (n - 1) + [MAX_VALUE - 1], [5] * n]
    columns[1][3] = 1
    book = Book(Path("book.csv"), assets_of(3), [f"a{i}" for i in range(n)], columns)
    with pytest.raises(InputError) as ref:
        reference_build(book, "snap", 6, tmp_path / "ref", KEY)
    with pytest.raises(InputError) as new:
        streamed(book, tmp_path / "new", 6, memory_for(n, 3, 8))
    assert str(new.value) == str(ref.value)
    assert "column A1" in str(new.value) and "2^128" in str(new.value)
    assert not (tmp_path / "new").exists()  # nothing left behind, not even the scratch


def test_memory_sizes_and_a_budget_too_small() -> None:
    assert parse_memory("2G") == 2 << 30
    assert parse_memory("512MiB") == 512 << 20
    assert parse_memory("1000") == 1000
    for bad in ("", "2.5G", "-1G", "2X"):
        with pytest.raises(OptionError, match="not a size"):
            parse_memory(bad)
    with pytest.raises(OptionError, match=r"the build needs at least \d"):
        plan_build(10, 3, 8, fixed_bytes(3))
    huge = 10**12  # accounts: more partitions than files a build opens, at 1 GiB
    with pytest.raises(OptionError, match="cannot build 1,000,000,000,000 accounts"):
        plan_build(huge, 3, 40, 1 << 30)
    # 209 bytes a leaf while sorted, 25% spread: 261 MB for a million, in one partition
    assert plan_build(10**6, 3, 32, 2 << 30).bits == 0
    assert plan_build(10**6, 3, 32, 300 << 20).bits == 2  # in 78 MiB of room
    assert plan_build(10**8, 3, 32, 2 << 30).bits == 7  # 25 GB in 128 of <= 256 MiB


def test_the_cli_refuses_a_budget_too_small_in_one_line(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "l.csv", [("a", "1", "2", "3")])
    r = cli_build(ledger, tmp_path / "out", "--memory", "100M")
    assert r.exit_code == 2
    assert re.fullmatch(
        r"por: error: --memory: 100 MiB cannot build 1 accounts of 3 assets: "
        r"the build needs at least [\d,]+ MiB\n",
        r.stderr,
    )
    assert not (tmp_path / "out").exists()


def test_a_disk_too_small_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [(f"u{i}", "1", "2", "3") for i in range(1000)]
    ledger = write_ledger(tmp_path / "l.csv", rows)
    plan = plan_build(1000, 3, 16, 2 << 30)
    real = build_module.shutil.disk_usage

    def short(path: object) -> object:
        usage = real(path)  # type: ignore[arg-type]
        return usage._replace(free=plan.disk_bytes - 1)

    monkeypatch.setattr(build_module.shutil, "disk_usage", short)
    out = tmp_path / "out"
    out.mkdir()
    r = cli_build(ledger, out, "--height", "16")
    assert r.exit_code == 2
    assert r.stderr == (
        f"por: error: {out}: not enough free disk: the build of 1,000 accounts needs "
        f"{plan.disk_bytes / 2**20:,.0f} MiB (partitions {plan.scratch_bytes / 2**20:,.0f} MiB, "
        f"tree.bin {plan.tree_bytes / 2**20:,.0f} MiB, accounts.sqlite about "
        f"{plan.index_bytes / 2**20:,.0f} MiB, lookup.bin and its sort "
        f"{plan.lookup_bytes / 2**20:,.0f} MiB), {(plan.disk_bytes - 1) / 2**20:,.0f} MiB are free\n"
    )
    assert list(out.iterdir()) == []  # no temporary, no scratch
    monkeypatch.setattr(build_module.shutil, "disk_usage", real)
    assert cli_build(ledger, out, "--height", "16").exit_code == 0


PEAK = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write('VmHWM ' + open('/proc/self/status').read()"
    ".split('VmHWM:')[1].split()[0] + '\\n'))\n"
    "sys.argv = ['por', *sys.argv[1:]]\n"
    "from verifier.cli import main\n"
    "main()\n"
)


def test_the_memory_budget_holds_on_a_ledger_of_many_partitions(tmp_path: Path) -> None:
    """200,000 accounts in 8 MiB of room for partitions: 8 partitions, and the
    process's peak resident memory (its own VmHWM) stays under --memory."""
    n = 200_000
    ledger = tmp_path / "l.csv"
    ledger.write_text(
        "account_id,BTC,ETH,USDT\n"
        + "".join(f"user-{i},{i % 1000}.5,{i % 13},{i}\n" for i in range(n))
    )
    budget = fixed_bytes(3) + (8 << 20)
    assert plan_build(n, 3, 20, budget).bits >= 3
    assert n * partition_cost(3) > budget - fixed_bytes(3)  # the leaves alone overflow the room
    p = subprocess.run(
        [sys.executable, "-c", PEAK, "tree", "build", str(ledger), "--assets", "BTC:8,ETH:18,USDT:6",
         "--snapshot-id", "s", "--out", str(tmp_path / "out"), "--height", "20",
         "--memory", str(budget)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    peak = int(p.stderr.split("VmHWM")[-1].split()[0]) * 1024
    assert peak < budget, f"peak {peak >> 20} MiB, budget {budget >> 20} MiB"
    assert Accounts(tmp_path / "out" / "accounts.sqlite").count() == n


@settings(max_examples=60, deadline=None)
@given(
    k=st.integers(1, 40),
    rows=st.lists(
        st.tuples(
            st.binary(min_size=32, max_size=32),
            st.integers(0, 2**64 - 1),
            st.lists(st.sampled_from([0, 0, 0, 1, MAX_VALUE - 1]), min_size=40, max_size=40),
            st.integers(0, 2),
        ),
        min_size=1,
        max_size=30,
    ),
)
def test_spill_records_are_sparse_and_come_back_whole_in_key_order(
    k: int, rows: list[tuple[bytes, int, list[int], int]]
) -> None:
    """`pack_records` groups the leaves by partition, each record sparse (tail, hash,
    bitmap, non-zero sums); `sort_records` gives a partition back as whole leaf records
    ordered by hash or by tail, ties in arrival order; a partition cut short is refused."""
    hashes = b"".join(h for h, _, _, _ in rows)
    sums = np.frombuffer(
        b"".join(v.to_bytes(16, "big") for _, _, values, _ in rows for v in values[:k]), np.uint8
    )
    tails = np.array([t for _, t, _, _ in rows], np.uint64)
    parts = np.array([p for _, _, _, p in rows], np.uint64)
    data, bounds = pack_records(hashes, sums, tails, parts, 3, k)
    at = np.frombuffer(bounds, np.uint64).tolist()
    for part in range(3):
        mine = [r for r in rows if r[3] == part]
        chunk = data[at[part] : at[part + 1]]
        held = sum(v != 0 for _, _, values, _ in mine for v in values[:k])
        assert len(chunk) == len(mine) * (8 + 32 + (k + 7) // 8) + 16 * held
        assert spill_count(chunk, k) == len(mine)
        for by_hash in (True, False):
            out = np.full(len(mine) * (32 + 16 * k) + 5, 0xAB, np.uint8)
            got = sort_records(chunk, k, by_hash, out)
            order = sorted(mine, key=lambda r: r[0][:8] if by_hash else r[1])  # stable
            assert got == b"".join(t.to_bytes(8, "big") for _, t, _, _ in order)
            assert out[: len(mine) * (32 + 16 * k)].tobytes() == b"".join(
                h + b"".join(v.to_bytes(16, "big") for v in values[:k]) for h, _, values, _ in order
            )
        if chunk:
            with pytest.raises(ValueError):
                spill_count(chunk[:-1], k)
