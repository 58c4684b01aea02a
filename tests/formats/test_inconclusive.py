"""Exit 0 only against a published root, in every format: the same valid file without
--commitment is inconclusive (exit 2), with every check still run and shown and the
one sentence that the root was not compared; a negative balance still exits 1; and a
--tree that a file has no use for is refused, never ignored."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.formats import (
    builders,
    test_bitget,
    test_bitunix,
    test_coinex,
    test_generated,
    test_trees,
    test_zk,
)
from tests.formats.conftest import run
from verifier.tree.verify import NOT_COMPARED


def _json(tmp_path: Path, doc: object, name: str = "proof.json") -> Path:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return p


# Each case: (FILE and --tree arguments, the root the exchange published).
Case = tuple[list[str], str]


def por_mst_v1(tmp_path: Path, shared: Path) -> Case:
    vector = shared / "spec" / "por-mst-v1-vector-1.json"
    return [str(vector)], json.loads(vector.read_text())["root_commitment"]


def okx_v1(tmp_path: Path, shared: Path) -> Case:
    doc = test_generated.okx_v1()
    return [str(_json(tmp_path, doc))], test_generated.root_of(doc)


def bybit(tmp_path: Path, shared: Path) -> Case:
    doc = test_generated.bybit()
    return [str(_json(tmp_path, doc))], test_generated.root_of(doc)


def mexc(tmp_path: Path, shared: Path) -> Case:
    doc = test_generated.mexc()
    return [str(_json(tmp_path, doc))], test_generated.root_of(doc)


def bitget(tmp_path: Path, shared: Path) -> Case:
    text = test_bitget.doc(False)
    return [str(_json(tmp_path, text))], test_bitget.root(text)


def bitunix(tmp_path: Path, shared: Path) -> Case:
    doc = test_bitunix.doc()
    return [str(_json(tmp_path, doc))], test_bitunix.root(doc)


def coinex(tmp_path: Path, shared: Path) -> Case:
    doc = test_coinex.doc(index=4)
    return [str(_json(tmp_path, doc))], test_coinex.root(doc)


def okx_full_tree(tmp_path: Path, shared: Path) -> Case:
    _, tree = test_trees.okx(tmp_path)
    return [str(tree)], tree.read_text().split(",")[0]


def okx_full_tree_user(tmp_path: Path, shared: Path) -> Case:
    user, tree = test_trees.okx(tmp_path)
    return [str(user), "--tree", str(tree)], tree.read_text().split(",")[0]


def binance_2022(tmp_path: Path, shared: Path) -> Case:
    root = builders.binance_2022(test_trees.leaves(5), tmp_path / "tree")
    return [str(tmp_path / "tree")], root


def binance_2022_user(tmp_path: Path, shared: Path) -> Case:
    root = builders.binance_2022(test_trees.leaves(5), tmp_path / "tree")
    values = {
        "user_id": "u3",
        "salt": "s3",
        "audit_id": "PR22NOV22",
        "balances": "BTC=3.0000|ETH=1.5000",
    }
    return [str(_json(tmp_path, values)), "--tree", str(tmp_path / "tree")], root


def bitmex(tmp_path: Path, shared: Path) -> Case:
    tree = test_trees.bitmex_tree(tmp_path)
    return [str(tree)], tree.read_text().splitlines()[1].split(",")[0]


def bitmex_user(tmp_path: Path, shared: Path) -> Case:
    tree = test_trees.bitmex_tree(tmp_path)
    user = _json(tmp_path, {"account": 42, "account_nonce": test_trees.ACCOUNT_NONCE.hex()})
    return [str(user), "--tree", str(tree)], tree.read_text().splitlines()[1].split(",")[0]


def zk(fmt: str) -> Callable[[Path, Path], Case]:
    def build(tmp_path: Path, shared: Path) -> Case:
        doc = test_zk.GENERATED[fmt]()
        return [str(_json(tmp_path, doc))], test_zk.root_of(doc)

    return build


CASES: dict[str, tuple[str, Callable[[Path, Path], Case]]] = {
    "por-mst-v1": ("por-mst-v1", por_mst_v1),
    "okx-v1": ("okx-v1", okx_v1),
    "bybit": ("bybit", bybit),
    "mexc": ("mexc", mexc),
    "bitget": ("bitget", bitget),
    "bitunix": ("bitunix", bitunix),
    "coinex": ("coinex", coinex),
    "okx-full-tree (whole tree)": ("okx-full-tree", okx_full_tree),
    "okx-full-tree (user file)": ("okx-full-tree", okx_full_tree_user),
    "binance-2022 (whole tree)": ("binance-2022", binance_2022),
    "binance-2022 (user file)": ("binance-2022", binance_2022_user),
    "bitmex (whole tree)": ("bitmex", bitmex),
    "bitmex (user file)": ("bitmex", bitmex_user),
    **{fmt: (fmt, zk(fmt)) for fmt in test_zk.GENERATED},
}


@pytest.mark.parametrize("case", CASES)
def test_a_valid_file_passes_only_against_its_published_root(
    tmp_path: Path, shared: Path, case: str
) -> None:
    fmt, build = CASES[case]
    args, root = build(tmp_path, shared)
    r = run(*args, "--commitment", root)
    assert r.exit_code == 0, r.output
    assert NOT_COMPARED not in r.stdout and "INCONCLUSIVE" not in r.stdout
    compared = r.stdout.splitlines()
    r = run(*args)
    assert r.exit_code == 2 and r.stderr == "", r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f"INCONCLUSIVE ({fmt})") and lines[0].endswith(f": {NOT_COMPARED}")
    assert lines[1].startswith(f"every check passed up to root {root}")
    # every check is still shown: the same balances and warnings as the compared run
    assert lines[2:] == compared[1:]


NEGATIVE: dict[str, Callable[[Path], list[str]]] = {
    "okx-v1": lambda d: [str(_json(d, builders.okx_v1([["1", "0", "0"], ["0", "0", "-3"]], 0)))],
    "bybit": lambda d: [
        str(_json(d, builders.bybit(["BTC"], [["1.00000000"], ["-2.00000000"]], 0)))
    ],
    "mexc": lambda d: [str(_json(d, builders.mexc([{"BTC": "1"}, {"BTC": "-2"}], 0)))],
    "bitget": lambda d: [
        str(_json(d, builders.bitget([{"BTC": "1"}, {"BTC": "-2"}], 0, numeric=False)))
    ],
    "bitunix": lambda d: [
        str(_json(d, builders.bitunix([{"BTC": "1"}, {"BTC": "-2"}], 0, {"BTC": 0})))
    ],
    "coinex": lambda d: [str(_json(d, builders.coinex([{"BTC": "1"}, {"BTC": "-2"}], 0)))],
    "okx-full-tree": lambda d: [
        str(test_trees.okx(d, [*test_trees.CUSTOMERS, [["0", "-1", "0"]]])[1])
    ],
}


@pytest.mark.parametrize("fmt", NEGATIVE)
def test_a_negative_balance_fails_without_a_published_root_too(tmp_path: Path, fmt: str) -> None:
    """A failure outranks an inconclusive: exit 1, whether or not the root was compared."""
    r = run(*NEGATIVE[fmt](tmp_path))
    assert r.exit_code == 1, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f"FAIL ({fmt})") and ": negative balance at " in lines[0]
    assert lines[1].endswith(", not compared with a published value")
    assert "INCONCLUSIVE" not in r.stdout


def test_a_tampered_file_fails_without_a_published_root(tmp_path: Path) -> None:
    doc = test_generated.okx_v1()
    doc["path"][0]["balances"]["BTC"] = "9"
    r = run(str(_json(tmp_path, doc)))
    assert r.exit_code == 1 and r.stdout.startswith("NOT INCLUDED (okx-v1)")


# Every file that is not a customer's file of a format checked against its whole tree.
NO_USE_FOR_TREE = [
    "por-mst-v1",
    "okx-v1",
    "bybit",
    "mexc",
    "bitget",
    "bitunix",
    "coinex",
    "okx-full-tree (whole tree)",
    "binance-2022 (whole tree)",
    "bitmex (whole tree)",
]


@pytest.mark.parametrize("case", NO_USE_FOR_TREE)
def test_a_tree_that_cannot_apply_is_refused(tmp_path: Path, shared: Path, case: str) -> None:
    fmt, build = CASES[case]
    args, root = build(tmp_path, shared)
    (tmp_path / "other").mkdir()
    _, some_tree = test_trees.okx(tmp_path / "other")
    for extra in ([], ["--commitment", root]):
        r = run(*args, "--tree", str(some_tree), *extra)
        assert r.exit_code == 2 and r.stdout == "", r.output
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("por: error: --tree: "), r.stderr
        assert fmt in lines[0]
    if case.endswith("(whole tree)"):
        assert "already the whole" in lines[0] and "customer's file" in lines[0]
    else:
        assert "verifies its file on its own" in lines[0]
