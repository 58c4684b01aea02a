"""tree.bin's sparse layout (version 2, store.py): the same root and byte-identical proofs
as the dense layout for every ledger, a file that decodes back to the dense one by the
layout as documented, and a doctored sparse file refused as bad input in one line."""

import random
import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tree.helpers import build_tree as cli_build
from tests.tree.helpers import run, write_ledger
from tests.tree.test_streaming import (
    KEY,
    SIZES,
    Book,
    assets_of,
    column,
    memory_for,
    same_trees,
)
from verifier.io.outputs import Outputs
from verifier.tree.build import TREE_FILES, build_tree, plan_build
from verifier.tree.prove import Prover
from verifier.tree.spec import MAX_VALUE
from verifier.tree.store import (
    HEADER,
    MAGIC,
    SPARSE_LEVELS,
    SPARSE_MAGIC,
    level_counts,
    record_size,
)


def built(book: Book, out: Path, height: int, memory: int, layout: str) -> None:
    with Outputs([], force=False, force_flag="--force") as outputs:
        outputs.add_directory(out, "--out", TREE_FILES)
        build_tree(book, "snap", height, out, KEY, outputs=outputs, memory=memory, layout=layout)


def dense_of(sparse: bytes) -> bytes:
    """The dense (version 1) tree.bin a sparse one stands for, read by the layout in
    store.py's docstring, independently of TreeFile and the compiled cutter."""
    assert sparse[:8] == SPARSE_MAGIC
    height, k = sparse[8], int.from_bytes(sparse[9:11], "big")
    n, levels = int.from_bytes(sparse[11:19], "big"), int.from_bytes(sparse[19:27], "big")
    assert levels == 0b11 and sparse[27:HEADER] == bytes(HEADER - 27)
    bitmap, record = (k + 7) // 8, record_size(k)
    counts = level_counts(n, height)
    at, tables, body = HEADER, {}, []
    for level, count in enumerate(counts):
        if levels >> level & 1:
            raw = sparse[at : at + 8 * (count + 1)]
            tables[level] = [int.from_bytes(raw[i : i + 8], "big") for i in range(0, len(raw), 8)]
            at += 8 * (count + 1)
            body.append(b"")
        else:
            body.append(sparse[at : at + count * record])
            at += count * record
    for level, table in tables.items():
        area, nodes = sparse[at : at + table[-1]], []
        for start, end in pairwise(table):
            rec = area[start:end]
            bits = int.from_bytes(rec[32 : 32 + bitmap], "big") >> (8 * bitmap - k)
            given_sums = [rec[32 + bitmap + 16 * i : 48 + bitmap + 16 * i] for i in range(k)]
            sums, used = [], 0
            for asset in range(k):
                if bits >> (k - 1 - asset) & 1:
                    assert given_sums[used] != bytes(16)
                    sums.append(given_sums[used])
                    used += 1
                else:
                    sums.append(bytes(16))
            assert end - start == 32 + bitmap + 16 * used
            nodes.append(rec[:32] + b"".join(sums))
        body[level] = b"".join(nodes)
        at += table[-1]
    assert at == len(sparse)
    return MAGIC + sparse[8:19] + bytes(HEADER - 19) + b"".join(body)


@st.composite
def sparse_books(draw: st.DrawFn) -> tuple[Book, int, int]:
    """Ledgers of 1 to 40 assets in which most cells are zero (as most accounts hold few
    of many assets), with whole zero columns and columns whose total is 2^128 - 1."""
    n = draw(st.sampled_from(SIZES))
    k = draw(st.integers(1, 40))
    held = draw(st.floats(0.0, 1.0))
    columns = []
    for _ in range(k):
        values = draw(column(n))
        kept = draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))
        columns.append([v if p < held else 0 for v, p in zip(values, kept, strict=True)])
    book = Book(Path("book"), assets_of(k), [f"u{i}" for i in range(n)], columns)
    book.step = draw(st.sampled_from([1, 5, 64]))
    height = max(1, (n - 1).bit_length()) + draw(st.sampled_from([0, 0, 1, 3]))
    return book, height, memory_for(n, k, draw(st.sampled_from([1, 2, 5])))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=sparse_books())
def test_a_sparse_tree_gives_the_dense_trees_root_and_proofs_byte_for_byte(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[Book, int, int]
) -> None:
    book, height, memory = case
    tmp = tmp_path_factory.mktemp("layouts")
    built(book, tmp / "dense", height, memory, "dense")
    book.rows = 0
    built(book, tmp / "sparse", height, memory, "sparse")
    assert (tmp / "sparse/root.json").read_bytes() == (tmp / "dense/root.json").read_bytes()
    dense_bin = (tmp / "dense/tree.bin").read_bytes()
    assert dense_bin[:8] == MAGIC  # the default stays version 1
    assert dense_of((tmp / "sparse/tree.bin").read_bytes()) == dense_bin
    dense, sparse = Prover(tmp / "dense"), Prover(tmp / "sparse")
    assert sparse.tree.layout == "sparse" and dense.tree.layout == "dense"
    assert list(sparse.all_lines()) == list(dense.all_lines())


def test_the_cli_builds_either_layout_and_refuses_another(tmp_path: Path) -> None:
    rows = [(f"c{i}", str(i % 3), "0", "0" if i % 2 else "5") for i in range(37)]
    ledger = write_ledger(tmp_path / "l.csv", rows)
    key = ("--nonce-key", "11" * 16)
    for name, extra in (("default", ()), ("dense", ("--layout", "dense"))):
        assert cli_build(ledger, tmp_path / name, *key, *extra).exit_code == 0
    assert cli_build(ledger, tmp_path / "sparse", *key, "--layout", "sparse").exit_code == 0
    default, sparse = (tmp_path / "default/tree.bin").read_bytes(), tmp_path / "sparse"
    assert (tmp_path / "dense/tree.bin").read_bytes() == default
    assert sparse.joinpath("tree.bin").stat().st_size < len(default)
    for account in ("c0", "c17", "c36"):
        proofs = [run("tree", "proof", str(tmp_path / d), account) for d in ("default", "sparse")]
        assert proofs[0].exit_code == proofs[1].exit_code == 0
        assert proofs[0].stdout == proofs[1].stdout
    r = cli_build(ledger, tmp_path / "other", "--layout", "compact")
    assert r.exit_code == 2
    assert r.stderr == "por: error: --layout: 'compact' is not dense or sparse\n"


@pytest.fixture(scope="module")
def sparse_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("sparse")
    rows = [(f"c{i}", str(i + 1), "0", "7" if i % 3 else "0") for i in range(11)]
    out = tmp / "tree"
    r = cli_build(write_ledger(tmp / "l.csv", rows), out, "--layout", "sparse", "--height", "5")
    assert r.exit_code == 0
    return out


def doctored(sparse_tree: Path, tmp: Path, edit: Callable[[bytearray], bytes]) -> Path:
    out = tmp / "doctored"
    out.mkdir()
    for name in TREE_FILES:
        data = (sparse_tree / name).read_bytes()
        (out / name).write_bytes(edit(bytearray(data)) if name == "tree.bin" else data)
    return out


# 11 leaves, K = 3, height 5: level 0's table at 64 (12 entries), level 1's at 160 (7)
LEVEL0_TABLE, LEVEL1_TABLE = HEADER, HEADER + 12 * 8
RECORDS = LEVEL1_TABLE + 7 * 8 + (3 + 2 + 1 + 1) * record_size(3)  # level 0's records


def put(data: bytearray, at: int, value: int) -> bytearray:
    data[at : at + 8] = value.to_bytes(8, "big")
    return data


def flip(data: bytearray, at: int, mask: int) -> bytearray:
    data[at] ^= mask
    return data


CASES: dict[str, tuple[Callable[[bytearray], bytes], str]] = {
    "truncated": (lambda d: d[:-1], r"tree\.bin: \d+ bytes, the header and offset tables say \d+"),
    "truncated header": (lambda d: d[:40], r"tree\.bin: header: not a por-mst-v1 tree\.bin"),
    "truncated tables": (lambda d: d[:100], r"tree\.bin: 100 bytes, the header says \d+"),
    "levels past H": (
        lambda d: put(d, 19, 1 << 6),
        r"tree\.bin: header: sparse levels 0x40 not of this tree",
    ),
    "no level sparse": (
        lambda d: put(d, 19, 0),
        r"tree\.bin: header: sparse levels 0x0 not of this tree",
    ),
    "table not from 0": (
        lambda d: put(d, LEVEL0_TABLE, 1),
        r"tree\.bin: level 0 offset table: does not start at 0",
    ),
    "offset outside": (
        lambda d: put(d, LEVEL0_TABLE + 8 * 3, 2**63),
        r"tree\.bin: level 0 node [23]: its offset points outside its level",
    ),
    "offset backwards": (
        lambda d: put(d, LEVEL1_TABLE + 8 * 2, 0),
        r"tree\.bin: level 1 node (1: its offset points outside its level"
        r"|2: its length does not match its bitmap)",
    ),
    "bit past K": (
        lambda d: flip(d, RECORDS + 32, 0x01),
        r"tree\.bin: level 0 node 0: its bitmap marks an asset past K",
    ),
    "bit without its sum": (
        lambda d: flip(d, RECORDS + 32, 0x20),
        r"tree\.bin: level 0 node 0: its length does not match its bitmap",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_doctored_sparse_tree_bin_is_bad_input_in_one_line(
    sparse_tree: Path, tmp_path: Path, case: str
) -> None:
    edit, message = CASES[case]
    tree = doctored(sparse_tree, tmp_path, edit)
    r = run("tree", "export", str(tree), "--out", str(tmp_path / "proofs.jsonl"))
    assert r.exit_code == 2, r.stdout
    assert re.fullmatch(f"por: error: {re.escape(str(tree))}/{message}\n", r.stderr), r.stderr
    assert not (tmp_path / "proofs.jsonl").exists()


def test_a_zero_sum_marked_non_zero_is_bad_input(sparse_tree: Path, tmp_path: Path) -> None:
    """A record the builder cannot have written, though it would decode to the same
    node: the reader holds the file to the one spelling of each node."""
    data = bytearray((sparse_tree / "tree.bin").read_bytes())
    first = data[RECORDS + 32 + 1 : RECORDS + 32 + 17]
    data[RECORDS + 32 + 1 : RECORDS + 32 + 17] = bytes(16)
    assert first != bytes(16)
    tree = doctored(sparse_tree, tmp_path, lambda _: data)
    r = run("tree", "export", str(tree), "--out", str(tmp_path / "proofs.jsonl"))
    assert r.exit_code == 2
    assert r.stderr.endswith("level 0 node 0: its bitmap marks a sum that is zero\n")


def test_the_disk_check_counts_a_sparse_tree_whose_sums_are_all_non_zero(tmp_path: Path) -> None:
    """The worst case of the sparse layout is larger than the dense one (a bitmap and an
    offset more per node): the disk the build asks for up front covers it."""
    n, k, height = 37, 9, 7
    book = Book(Path("book"), assets_of(k), [f"u{i}" for i in range(n)], [[1] * n] * k)
    built(book, tmp_path / "dense", height, memory_for(n, k, 1), "dense")
    book.rows = 0
    built(book, tmp_path / "sparse", height, memory_for(n, k, 1), "sparse")
    size = (tmp_path / "sparse/tree.bin").stat().st_size
    assert size > (tmp_path / "dense/tree.bin").stat().st_size
    assert plan_build(n, k, height, memory_for(n, k, 1), SPARSE_LEVELS).tree_bytes >= size
    assert plan_build(n, k, height, memory_for(n, k, 1)).tree_bytes == len(
        (tmp_path / "dense/tree.bin").read_bytes()
    )


def test_a_wide_ledger_of_few_held_assets_over_two_pushes_builds_what_the_reference_does(
    tmp_path: Path,
) -> None:
    """The benchmark's shape, at 33 assets (a bitmap of 5 bytes, with bits past K) of
    which an account holds none to three. More leaves than the reducer takes at a time
    (8,192), pairs split over both threads, odd counts: the dense tree byte for byte the
    reference's, the sparse one its image. (Hypothesis draws 1 to 40 assets above.)"""
    k = 33
    n = 9001
    rng = random.Random(k)
    columns = [[0] * n for _ in range(k)]
    for i in range(n):
        for j in rng.sample(range(k), rng.choice([0, 1, 1, 1, 2, 3])):
            columns[j][i] = rng.randrange(1, 10 ** rng.randrange(1, 30))
    columns[k - 1][n - 1] = MAX_VALUE - 1 - sum(columns[k - 1])  # a total of 2^128 - 1
    book = Book(Path("book"), assets_of(k), [f"user-{i}" for i in range(n)], columns, step=4096)
    memory = memory_for(n, k, 1)
    same_trees(book, tmp_path, 16, memory)
    book.rows = 0
    built(book, tmp_path / "sparse", 16, memory, "sparse")
    assert (
        dense_of((tmp_path / "sparse/tree.bin").read_bytes())
        == (tmp_path / "new/tree.bin").read_bytes()
    )
    assert (tmp_path / "sparse/root.json").read_bytes() == (tmp_path / "new/root.json").read_bytes()
