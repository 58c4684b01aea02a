"""The auditor's full recompute: a faithful ledger passes; any account changed, removed or added fails."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tree.conftest import ROWS
from tests.tree.helpers import build_tree, run, write_ledger
from verifier.io.ledger import Ledger
from verifier.io.tree import load_root
from verifier.models.check import Status
from verifier.tree.audit import audit_tree
from verifier.tree.build import DEFAULT_MEMORY, SPREAD, fixed_bytes, partition_cost, plan_build
from verifier.tree.store import Accounts


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


BIG = "2000000000000000000000000000000"  # BTC: 2e38 base units, two of them pass 2^128


def audit_checks(out: Path, ledger: Path, memory: int) -> list[dict[str, object]]:
    root = load_root(out / "root.json")
    book = Ledger(ledger, root.assets)
    result = audit_tree(book, root, Accounts(out / "accounts.sqlite"), memory=memory)
    return [c.model_dump() for c in result.checks]


def many_partitions(n: int) -> int:
    """A budget that leaves room for a few records a partition: the audit then spills
    to about n / 3 partitions of consecutive leaves."""
    return fixed_bytes(3) + 3 * int(partition_cost(3) * SPREAD)


@pytest.fixture(scope="module")
def wide_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, ...]]]:
    d = tmp_path_factory.mktemp("wide")
    rows = [(f"acct-{i}", f"{i}.5", "0", str(i % 7)) for i in range(300)]
    r = build_tree(write_ledger(d / "ledger.csv", rows), d / "out", "--height", "10")
    assert r.exit_code == 0, r.output
    return d / "out", rows


@pytest.mark.parametrize(
    ("change", "first_failure"),
    [
        (lambda rows: rows, None),
        (lambda rows: rows[::-1], None),
        (lambda rows: [*rows[:150], ("acct-150", "1", "0", "3"), *rows[151:]], "liability-totals"),
        (
            lambda rows: [
                *rows[:150],
                (rows[150][0], *rows[151][1:]),
                (rows[151][0], *rows[150][1:]),
                *rows[152:],
            ],
            "root-commitment",
        ),
        (lambda rows: rows[:17] + rows[18:], "account-count"),
        (lambda rows: rows[:10], "account-count"),
        (lambda rows: [*rows[:-1], rows[3]], "ledger-accounts-in-tree"),
        (
            lambda rows: [(rows[0][0], BIG, "0", "0"), (rows[1][0], BIG, "0", "0"), *rows[2:]],
            "root-commitment",
        ),
    ],
    ids=[
        "same",
        "reversed",
        "balance-changed",
        "balances-swapped",
        "removed",
        "most-removed",
        "duplicated",
        "total-overflows",
    ],
)
def test_the_streamed_audit_gives_the_same_verdicts_in_any_number_of_partitions(
    wide_tree: tuple[Path, list[tuple[str, ...]]],
    tmp_path: Path,
    change: Callable[[list[tuple[str, ...]]], list[tuple[str, ...]]],
    first_failure: str | None,
) -> None:
    """One partition and about a hundred (a removed row leaves a leaf untaken in one of
    them, most rows removed leave whole partitions empty; a total past 2^128 is found
    while partitions are pushed) agree check by check."""
    out, rows = wide_tree
    ledger = write_ledger(tmp_path / "l.csv", change(rows))
    assert plan_build(300, 3, 10, many_partitions(300)).bits >= 6
    whole = audit_checks(out, ledger, DEFAULT_MEMORY)
    assert audit_checks(out, ledger, many_partitions(300)) == whole
    failed = [c for c in whole if c["status"] == Status.FAIL]
    assert (failed[0]["id"] if failed else None) == first_failure, whole
    if first_failure == "account-count":  # the rest still ran, on the rows there are
        assert [c["id"] for c in failed] == ["account-count", "liability-totals", "root-commitment"]
    if BIG in ledger.read_text():
        assert "the ledger's BTC total reaches 2^128" in str(failed[0]["reason"])
