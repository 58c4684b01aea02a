"""`por administer check`: a plan as made passes; every one-field change to any of its
files fails, naming the account where the change concerns one."""

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from tests.administer.conftest import check, make_tree, plan, report_for
from verifier.io.documents import field_path

ROWS = [
    ("alice", [150_000_000, 10**18, 0]),
    ("bob", [1, 3 * 10**17, 2_500_000]),
    ("carol", [0, 0, 7]),
    ("dave", [99_999_999, 10**18, 10**12]),
]


@pytest.fixture(scope="module")
def made(
    tmp_path_factory: pytest.TempPathFactory, demo_report: dict[str, Any]
) -> tuple[Path, Path, Path, Path]:
    """A plan with every asset short and the reserve short too: (work, ledger, report, plan)."""
    work = tmp_path_factory.mktemp("made")
    ledger = make_tree(work, ROWS)
    totals = [sum(u[j] for _, u in ROWS) for j in range(3)]
    held = [(t // 3, t // 5) for t in totals]
    report = work / "report.json"
    report.write_text(
        json.dumps(
            report_for(demo_report, work / "tree", held, ["10000000", "400000", "150"], "5000.5")
        )
    )
    r = plan(work, ledger, report, work / "plan")
    assert r.exit_code == 0, r.output
    return work, ledger, report, work / "plan"


def copy_plan(made: tuple[Path, Path, Path, Path], to: Path) -> Path:
    shutil.copytree(made[3], to)
    return to


def test_the_plan_as_made_passes(made: tuple[Path, Path, Path, Path]) -> None:
    work, ledger, report, plan_dir = made
    r = check(work, ledger, report, plan_dir)
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().splitlines()[-1] == "the plan is as recomputed"


def cells() -> Iterator[tuple[int, str]]:
    for row in range(len(ROWS) * 3):
        for column in ("account_id", "asset", "claim", "paid_in_kind", "fiat_topup"):
            yield row, column


@pytest.mark.parametrize("name", ["plan.csv", "plan.parquet"])
def test_every_cell_changed_fails_and_names_its_account(
    made: tuple[Path, Path, Path, Path], tmp_path: Path, name: str
) -> None:
    work, ledger, report, plan_dir = made
    table = pq.read_table(plan_dir / "plan.parquet")
    for row, column in cells():
        target = copy_plan(made, tmp_path / f"{name}-{row}-{column}")
        values = table[column].to_pylist()
        values[row] = (
            values[row] + "1" if column != "asset" else "ETH" if values[row] != "ETH" else "BTC"
        )
        changed = table.set_column(table.column_names.index(column), column, pa.array(values))
        if name == "plan.csv":
            pacsv.write_csv(changed, target / name)
        else:
            pq.write_table(changed, target / name)
        r = check(work, ledger, report, target)
        assert r.exit_code == 1, (row, column, r.output)
        account = table["account_id"][row].as_py()
        assert f"{name} row {row + 1}: account {account!r}" in r.stdout, r.stdout


def test_a_row_left_out_or_added_fails(made: tuple[Path, Path, Path, Path], tmp_path: Path) -> None:
    work, ledger, report, _ = made
    target = copy_plan(made, tmp_path / "cut")
    lines = (target / "plan.csv").read_text().splitlines(keepends=True)
    (target / "plan.csv").write_text("".join(lines[:-1]))
    r = check(work, ledger, report, target)
    assert r.exit_code == 1 and "plan.csv ends before row 12, account 'dave', USDT" in r.stdout
    (target / "plan.csv").write_text("".join(lines + lines[-1:]))
    r = check(work, ledger, report, target)
    assert r.exit_code == 1 and "has rows past the last account, from row 13" in r.stdout


def leaves(document: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(document, dict):
        for key, value in document.items():
            yield from leaves(value, (*path, key))
    elif isinstance(document, list) and document:
        for i, value in enumerate(document):
            yield from leaves(value, (*path, i))
    else:
        yield path, document


def changed(value: Any) -> Any:
    if isinstance(value, str):
        return value + "0" if value[-1:].isdigit() else value + "x"
    if value is None:
        return "1"
    if isinstance(value, list):
        return ["customer_cold"]
    return value + 1


@pytest.mark.parametrize("name", ["summary.json", "tree/root.json"])
def test_every_field_changed_fails(
    made: tuple[Path, Path, Path, Path], tmp_path: Path, name: str
) -> None:
    work, ledger, report, plan_dir = made
    document = json.loads((plan_dir / name).read_text())
    fields = list(leaves(document))
    assert len(fields) > 10
    for n, (path, value) in enumerate(fields):
        target = copy_plan(made, tmp_path / f"{n}")
        edited = json.loads(json.dumps(document))
        at = edited
        for part in path[:-1]:
            at = at[part]
        at[path[-1]] = changed(value)
        (target / name).write_text(json.dumps(edited, indent=2))
        r = check(work, ledger, report, target)
        if path == ("reserve", "rule"):
            # the rule names how to recompute: another word is not a rule at all
            assert r.exit_code == 2 and "summary.json: reserve.rule: 'pro-ratax'" in r.stderr
            continue
        assert r.exit_code == 1, (path, r.output)
        assert f"{Path(name).name}: {field_path(path)} differs" in r.stdout, (path, r.stdout)


def test_the_other_rule_named_in_summary_fails(
    made: tuple[Path, Path, Path, Path], tmp_path: Path
) -> None:
    """The reserve is short here, so the other rule pays other top-ups: the rows differ."""
    work, ledger, report, _ = made
    target = copy_plan(made, tmp_path / "rule")
    text = (target / "summary.json").read_text()
    (target / "summary.json").write_text(text.replace('"pro-rata"', '"smallest-first"'))
    r = check(work, ledger, report, target)
    assert r.exit_code == 1 and "fiat_topup differs" in r.stdout, r.stdout


def test_a_byte_of_tree_bin_or_a_stored_nonce_changed_fails(
    made: tuple[Path, Path, Path, Path], tmp_path: Path
) -> None:
    work, ledger, report, _ = made
    target = copy_plan(made, tmp_path / "bin")
    data = bytearray((target / "tree" / "tree.bin").read_bytes())
    data[64 + 5] ^= 1  # inside the first leaf's hash
    (target / "tree" / "tree.bin").write_bytes(bytes(data))
    r = check(work, ledger, report, target)
    assert r.exit_code == 1 and "tree.bin: the leaf of account" in r.stdout, r.stdout

    target = copy_plan(made, tmp_path / "sqlite")
    db = sqlite3.connect(target / "tree" / "accounts.sqlite")
    db.execute("UPDATE accounts SET nonce = ? WHERE account_id = 'carol'", (bytes(32),))
    db.commit()
    db.close()
    r = check(work, ledger, report, target)
    assert r.exit_code == 1 and "account 'carol': its id, leaf or nonce differs" in r.stdout, (
        r.stdout
    )


@pytest.mark.parametrize("name", ["summary.json", "tree/root.json"])
def test_a_field_added_even_as_null_or_left_out_fails(
    made: tuple[Path, Path, Path, Path], tmp_path: Path, name: str
) -> None:
    """Found by the hostile suite: a key added with null once read as equal to a key
    that is not there."""
    work, ledger, report, plan_dir = made
    document = json.loads((plan_dir / name).read_text())
    for n, edit in enumerate([{**document, "unexpected": None}, dict(list(document.items())[1:])]):
        target = copy_plan(made, tmp_path / f"{n}")
        (target / name).write_text(json.dumps(edit))
        r = check(work, ledger, report, target)
        assert r.exit_code == 1 and "(no such field)" in r.stdout, r.output
