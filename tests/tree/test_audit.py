"""The auditor's full recompute: a faithful ledger passes; any account changed, removed or added fails."""

from pathlib import Path

import pytest

from tests.tree.conftest import ROWS
from tests.tree.helpers import build_tree, run, write_ledger


def audit(built_tree: Path, ledger: Path) -> tuple[int, str]:
    out = built_tree / "out"
    r = run(
        "tree",
        "audit",
        str(ledger),
        "--root",
        str(out / "root.json"),
        "--accounts",
        str(out / "accounts.sqlite"),
    )
    return r.exit_code, r.stdout + r.stderr


def test_the_ledger_the_tree_was_built_from_passes(built_tree: Path) -> None:
    code, output = audit(built_tree, built_tree / "ledger.csv")
    assert code == 0, output
    assert "fail" not in output and output.count("pass") == 4


def test_ledger_order_does_not_matter(built_tree: Path, tmp_path: Path) -> None:
    code, output = audit(built_tree, write_ledger(tmp_path / "l.csv", list(reversed(ROWS))))
    assert code == 0, output


@pytest.mark.parametrize(
    ("rows", "expect"),
    [
        # 0.1 BTC moved from alice to bob: the totals hold, the commitment does not
        (
            [("alice", "1.4", "0", "100"), ("bob", "0.1", "0.5", "1234.5"), *ROWS[2:]],
            "root-commitment",
        ),
        ([ROWS[0], (ROWS[1][0], "0", "0.5", "1234.500001"), *ROWS[2:]], "liability-totals"),
        (ROWS[:-1], "account-count"),
        ([*ROWS, ("frank", "0", "0", "0")], "account-count"),
        ([*ROWS[:-1], ("frank", "0", "0", "0")], "ledger-accounts-in-tree"),
        ([*ROWS[:-1], ROWS[0]], "ledger-accounts-in-tree"),
    ],
    ids=[
        "balance-changed",
        "total-changed",
        "removed",
        "added",
        "swapped-for-another",
        "duplicated",
    ],
)
def test_a_ledger_that_differs_fails(
    built_tree: Path, tmp_path: Path, rows: list[tuple[str, ...]], expect: str
) -> None:
    code, output = audit(built_tree, write_ledger(tmp_path / "l.csv", rows))
    assert code == 1, output
    failed = [line for line in output.splitlines() if line.startswith("fail")]
    assert failed and expect in failed[0], output


def test_accounts_of_another_tree_are_refused(built_tree: Path, tmp_path: Path) -> None:
    other = write_ledger(tmp_path / "o.csv", ROWS)
    r = build_tree(other, tmp_path / "o", "--height", "6", snapshot_id="other")
    assert r.exit_code == 0
    r = run(
        "tree",
        "audit",
        str(built_tree / "ledger.csv"),
        "--root",
        str(built_tree / "out" / "root.json"),
        "--accounts",
        str(tmp_path / "o" / "accounts.sqlite"),
    )
    assert r.exit_code == 1 and "accounts.sqlite belongs to another tree" in r.stdout


@pytest.mark.parametrize(
    ("rows", "named"),
    [
        ([*ROWS[:-1], ROWS[0]], f"ledger row {len(ROWS)}: account 'alice' is listed twice"),
        ([("frank", "0", "0", "0"), *ROWS[1:-1], ROWS[1]], "ledger row 1: account 'frank' is not"),
        (
            [ROWS[0], ROWS[0], *ROWS[2:-1], ("frank", "0", "0", "0")],
            "ledger row 2: account 'alice'",
        ),
    ],
    ids=["duplicate-last", "missing-before-duplicate", "duplicate-before-missing"],
)
def test_the_first_bad_ledger_row_is_named(
    built_tree: Path, tmp_path: Path, rows: list[tuple[str, ...]], named: str
) -> None:
    """The accounts of a batch are placed at once: the failure still names the first
    row, in ledger order, that the tree lacks or that takes a leaf already taken."""
    code, output = audit(built_tree, write_ledger(tmp_path / "l.csv", rows))
    assert code == 1, output
    assert named in " ".join(output.split()), output
