"""`administer check`: a plan someone else made, against the plan recomputed from the
same ledger, tree and report, file by file; the first difference is named by the
account it concerns wherever there is one.

The recomputed entitlement tree is built into a temporary directory that is removed
afterwards: nothing is written where the user looks."""

import tempfile
from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from verifier.administer.allocate import ReserveUse
from verifier.administer.plan import Plan
from verifier.administer.write import (
    PLAN_FILES,
    TREE_DIR,
    build_entitlements,
    plan_table,
    summarize,
    summary_json,
)
from verifier.io.files import open_binary
from verifier.io.jsontext import parse_json
from verifier.io.outputs import Outputs
from verifier.io.plan import read_document, read_plan_table
from verifier.models.check import CheckResult, Status
from verifier.models.plan import PLAN_COLUMNS
from verifier.tree.build import TREE_FILES
from verifier.tree.store import HEADER, Accounts, record_size

_BLOCK = 1 << 20
_ABSENT = "(no such field)"


def plan_rule(plan_dir: Path) -> ReserveUse:
    """The rule the plan says it followed (summary.json reserve.rule): the plan is
    recomputed by it, and a plan whose files disagree on it differs somewhere."""
    path = plan_dir / "summary.json"
    document = read_document(path)
    reserve = document.get("reserve") if isinstance(document, dict) else None
    rule = reserve.get("rule") if isinstance(reserve, dict) else None
    return ReserveUse.named(rule, str(path), "reserve.rule")


def check_plan(plan: Plan, height: int, plan_dir: Path, source: Path) -> list[CheckResult]:
    """One check per file of the plan, in the order they are compared; the first that
    differs ends the comparison."""
    rows = plan_table(plan)
    checks = []
    for name in PLAN_FILES[:2]:
        checks.append(_rows(rows, read_plan_table(plan_dir / name), name))
        if not checks[-1].passed:
            return checks
    with tempfile.TemporaryDirectory(prefix="por-administer-check-") as scratch:
        tree_dir = Path(scratch) / TREE_DIR
        outputs = Outputs([], force=False, force_flag="--force")
        outputs.add_directory(tree_dir, "check", TREE_FILES)
        root = build_entitlements(plan, height, tree_dir, source, outputs)
        outputs.commit()
        summary = parse_json(summary_json(summarize(plan, root)), "summary")
        checks.append(_document("summary.json", summary, plan_dir / "summary.json"))
        if checks[-1].passed:
            fields = parse_json(root.model_dump_json(), "root.json")
            checks.append(_document("tree/root.json", fields, plan_dir / TREE_DIR / "root.json"))
        if checks[-1].passed:
            checks.append(_tree_bin(tree_dir, plan_dir / TREE_DIR, plan))
        if checks[-1].passed:
            checks.append(_accounts(tree_dir, plan_dir / TREE_DIR))
    return checks


def _same(check_id: str, what: str) -> CheckResult:
    return CheckResult(id=check_id, status=Status.PASS, reason=f"{what} as recomputed")


def _differs(check_id: str, reason: str, expected: object, actual: object) -> CheckResult:
    return CheckResult(
        id=check_id, status=Status.FAIL, reason=reason, expected=expected, actual=actual
    )


def _rows(expected: pa.Table, found: pa.Table, name: str) -> CheckResult:
    check_id = name
    m = min(expected.num_rows, found.num_rows)
    first: tuple[int, str] | None = None
    for column in PLAN_COLUMNS:
        differs = pc.not_equal(expected[column].slice(0, m), found[column].slice(0, m))
        at = pc.index(differs, True).as_py()
        if at >= 0 and (first is None or at < first[0]):
            first = (at, column)
    if first is None and expected.num_rows == found.num_rows:
        return _same(check_id, f"every row of {name}")
    if first is None:
        at = m
        if at < expected.num_rows:
            account, asset = expected["account_id"][at].as_py(), expected["asset"][at].as_py()
            reason = f"{name} ends before row {at + 1}, account {account!r}, {asset}"
        else:
            reason = f"{name} has rows past the last account, from row {at + 1}"
        return _differs(check_id, reason, expected.num_rows, found.num_rows)
    at, column = first
    account = expected["account_id"][at].as_py()
    asset = expected["asset"][at].as_py()
    reason = f"{name} row {at + 1}: account {account!r}, {asset}: {column} differs"
    return _differs(check_id, reason, expected[column][at].as_py(), found[column][at].as_py())


def _document(check_id: str, expected: Any, path: Path) -> CheckResult:
    found = read_document(path)
    for where, want, got in _walk(expected, found, ""):
        return _differs(check_id, f"{path.name}: {where or 'the document'} differs", want, got)
    return _same(check_id, f"every field of {path.name}")


def _walk(want: Any, got: Any, where: str) -> Iterator[tuple[str, Any, Any]]:
    """(field path, expected, found) of each difference, in document order."""
    if isinstance(want, dict) and isinstance(got, dict):
        for key in [*want, *(k for k in got if k not in want)]:
            path = f"{where}.{key}" if where else str(key)
            if key not in want or key not in got:  # a key left out or added, even as null
                yield path, want.get(key, _ABSENT), got.get(key, _ABSENT)
            else:
                yield from _walk(want[key], got[key], path)
    elif isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for i, (a, b) in enumerate(zip(want, got, strict=True)):
            yield from _walk(a, b, f"{where}[{i}]")
    elif want != got or type(want) is not type(got):
        yield where, want, got


def _tree_bin(expected_dir: Path, found_dir: Path, plan: Plan) -> CheckResult:
    check_id = "tree/tree.bin"
    offset = 0
    with open_binary(expected_dir / "tree.bin") as a, open_binary(found_dir / "tree.bin") as b:
        while True:
            x, y = a.read(_BLOCK), b.read(_BLOCK)
            if x != y:
                at = offset + next(
                    (i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q),
                    min(len(x), len(y)),
                )
                reason = _node_at(at, expected_dir, plan)
                return _differs(check_id, reason, "the recomputed bytes", f"byte {at} differs")
            if not x:
                return _same(check_id, "every node of tree.bin")
            offset += len(x)


def _node_at(offset: int, expected_dir: Path, plan: Plan) -> str:
    """The account whose leaf holds byte `offset` of tree.bin, or where else it is."""
    if offset < HEADER:
        return "tree.bin: its header differs"
    leaf = (offset - HEADER) // record_size(len(plan.outcomes) + 1)
    if leaf >= len(plan.claims.account_ids):
        return f"tree.bin: a node above the leaves differs (byte {offset})"
    account = next(
        a for a, index, _ in Accounts(expected_dir / "accounts.sqlite").all() if index == leaf
    )
    return f"tree.bin: the leaf of account {account!r} (index {leaf}) differs"


def _accounts(expected_dir: Path, found_dir: Path) -> CheckResult:
    check_id = "tree/accounts.sqlite"
    want, got = Accounts(expected_dir / "accounts.sqlite"), Accounts(found_dir / "accounts.sqlite")
    if want.meta != got.meta:
        return _differs(check_id, "accounts.sqlite: its meta table differs", want.meta, got.meta)
    for row, (a, b) in enumerate(zip_longest(want.all(), got.all()), start=1):
        if a != b:
            account = a[0] if a is not None else None
            reason = (
                f"accounts.sqlite row {row}: account {account!r}: its id, leaf or nonce differs"
            )
            return _differs(check_id, reason, a and a[1], b and b[1])
    return _same(check_id, "every account, nonce and leaf of accounts.sqlite")
