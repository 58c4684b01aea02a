"""`por inclusion verify-all` on customer files of the zk family (binance-zk, gate-zk,
htx-zk), one JSON object a line: several accounts of one tree built here (the
builders' independent reading of each vendor's leaf), each line verified by its
format's rule with the same reasons as `por inclusion verify`, the file checked as a
whole (no account or leaf index twice), and Gate's and Binance's published samples."""

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.formats import builders
from tests.tree.helpers import run

GATE_ROOT = "2e7e01ad51d5c668e8d581be83fcfe806644b7c834876d540b188816a67778e6"
ROOT_FIELD = {"binance-zk": "Root", "gate-zk": "TreeRootHash", "htx-zk": "Root"}
TOTAL_FIELD = {"binance-zk": "TotalDebt", "gate-zk": "TotalAssetDebt", "htx-zk": "TotalDebt"}

Builder = Callable[[int, builders.ZkSiblings], dict[str, Any]]


def _binance(i: int, path: builders.ZkSiblings) -> dict[str, Any]:
    rows = [(i, [1000 + i, i, 7, 2**63, 5]), (40, [1, 0, 0, 0, 0])]
    return builders.zk_binance(0x100 + i, i, [2**70 + i, i, 3], rows, path)


def _gate(i: int, path: builders.ZkSiblings) -> dict[str, Any]:
    return builders.zk_gate(2**250 + i, i, [1000 + i, i], [(i, 1000 + i, i)], path)


def _htx(i: int, path: builders.ZkSiblings) -> dict[str, Any]:
    return builders.zk_htx(0x10F9 + i, i, [867200 + i, 3], [(i, 5 + i), (173, 2)], path)


BUILDERS: dict[str, Builder] = {"binance-zk": _binance, "gate-zk": _gate, "htx-zk": _htx}
ACCOUNTS = 3


@cache
def one_tree(fmt: str) -> tuple[dict[str, Any], ...]:
    """ACCOUNTS customer files of one tree: the leaves first, then each one's path."""
    build = BUILDERS[fmt]
    leaves: list[int] = []

    def keep(leaf: int) -> list[int]:
        leaves.append(leaf)
        return [0] * 28

    for i in range(ACCOUNTS):
        build(i, keep)
    paths = builders.zk_tree(leaves)
    return tuple(build(i, paths[i]) for i in range(ACCOUNTS))


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def tree(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    fmt: str = request.param
    files = [*one_tree(fmt)]
    assert len({f[ROOT_FIELD[fmt]] for f in files}) == 1
    return fmt, files


def write(tmp_path: Path, files: list[dict[str, Any]]) -> Path:
    p = tmp_path / "proofs.jsonl"
    p.write_text("".join(json.dumps(f) + "\n" for f in files))
    return p


def verify_all(proofs: Path, *extra: str) -> tuple[int, str]:
    r = run("inclusion", "verify-all", str(proofs), *extra)
    return r.exit_code, r.stdout + r.stderr


def under_its_root(tmp_path: Path, fmt: str, files: list[dict[str, Any]]) -> tuple[int, str]:
    """`files` (one tree's, some changed) against that tree's published root."""
    root = one_tree(fmt)[0][ROOT_FIELD[fmt]]
    return verify_all(write(tmp_path, files), "--commitment", root, "--subset")


def test_every_account_of_one_tree_is_included(
    tmp_path: Path, tree: tuple[str, list[dict[str, Any]]]
) -> None:
    fmt, files = tree
    root = files[0][ROOT_FIELD[fmt]]
    for workers in ("1", "2"):
        code, out = verify_all(
            write(tmp_path, files), "--commitment", root, "--subset", "--workers", workers
        )
        assert code == 0, out
        assert f"{ACCOUNTS} of {ACCOUNTS} proofs included under {root}" in out


def test_without_a_published_root_it_is_inconclusive(
    tmp_path: Path, tree: tuple[str, list[dict[str, Any]]]
) -> None:
    _fmt, files = tree
    code, out = verify_all(write(tmp_path, files), "--subset")
    assert code == 2, out
    assert "under the first proof's own commitment" in out


def test_a_changed_total_fails_at_the_root_naming_its_line(
    tmp_path: Path, tree: tuple[str, list[dict[str, Any]]]
) -> None:
    fmt, files = tree
    changed = [*files]
    changed[1] = files[1] | {TOTAL_FIELD[fmt]: files[1][TOTAL_FIELD[fmt]] + 1}
    code, out = under_its_root(tmp_path, fmt, changed)
    assert code == 1, out
    assert "NOT INCLUDED line 2:" in out
    assert f"root ({ROOT_FIELD[fmt]}): the leaf recomputed from your values" in out
    assert f"{ACCOUNTS - 1} of {ACCOUNTS} proofs included" in out


def test_another_published_root_fails_every_line(
    tmp_path: Path, tree: tuple[str, list[dict[str, Any]]]
) -> None:
    _fmt, files = tree
    code, out = verify_all(write(tmp_path, files), "--commitment", "ab" * 32, "--subset")
    assert code == 1, out
    assert out.count("published root: the file leads to root") == ACCOUNTS


def test_a_repeated_account_is_named_with_both_lines(
    tmp_path: Path, tree: tuple[str, list[dict[str, Any]]]
) -> None:
    fmt, files = tree
    code, out = under_its_root(tmp_path, fmt, [*files, files[0]])
    assert code == 1, out
    assert f"DUPLICATE line {ACCOUNTS + 1}: the account id of line 1 again" in out
    assert f"DUPLICATE line {ACCOUNTS + 1}: the leaf index of line 1 again" in out


def test_a_malformed_line_is_named_by_line_and_field(
    tmp_path: Path, tree: tuple[str, list[dict[str, Any]]]
) -> None:
    fmt, files = tree
    proof_field = "MerkleProofEncode" if fmt == "gate-zk" else "Proof"
    bad = files[2] | {proof_field: [*files[2][proof_field][:27], "not base64"]}
    code, out = under_its_root(tmp_path, fmt, [*files[:2], bad])
    assert code == 1, out
    assert f"malformed: line 3: {proof_field}.27: not base64 of 32 bytes" in out


def test_a_negative_total_fails_even_under_its_root(tmp_path: Path) -> None:
    """Go hashes a big.Int's magnitude: the flipped sign reaches the same root."""
    files = [*one_tree("gate-zk")]
    files[1] = files[1] | {"TotalAssetDebt": -files[1]["TotalAssetDebt"]}
    code, out = verify_all(
        write(tmp_path, files), "--commitment", files[0]["TreeRootHash"], "--subset"
    )
    assert code == 1, out
    assert "NOT INCLUDED line 2:" in out and "negative balance: TotalAssetDebt: -1" in out


def test_gates_published_sample_as_a_line(tmp_path: Path, shared: Path) -> None:
    sample = json.loads((shared / "external" / "gate-zk" / "user_config.json").read_text())
    code, out = verify_all(write(tmp_path, [sample]), "--commitment", GATE_ROOT, "--subset")
    assert code == 0, out
    assert f"1 of 1 proofs included under {GATE_ROOT}" in out


def test_binances_published_sample_fails_at_its_root_as_a_line(
    tmp_path: Path, shared: Path
) -> None:
    text = (shared / "external" / "binance-zk" / "user_config.json").read_text()
    sample = json.loads(text)
    code, out = verify_all(write(tmp_path, [sample]), "--commitment", sample["Root"], "--subset")
    assert code == 1, out
    assert "root (Root): the leaf recomputed from your values" in out
