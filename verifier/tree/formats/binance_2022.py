"""binance-2022: the plain Merkle tree of Binance's first proof of reserves (built
by Silver Sixpence, silversixpence-crypto/merkletree-verify).

leaf = sha256(utf8(user_id + salt + audit_id + "BTC=1.0000|ETH=2.0000|..."));
parent = sha256(bytes(left) || bytes(right)); the last node of an odd level is
carried up one level unchanged. The tree is published as a directory of per-level
CSV files, tree-level1.csv (the parents of the leaves) up to the root's, rows
`parent,level,left,right`; tree-level0.csv, when present, lists the leaves.

A customer's values are written as JSON by hand from Binance's page:
{"user_id": ..., "salt": ..., "audit_id": ..., "balances": "BTC=...|ETH=..."}.
"""

import csv
import re
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from verifier.errors import InputError
from verifier.tree.formats import decimals, source
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import Verdict, conclude

NAME = "binance-2022"
TAKES_TREE = True  # its customer's file is checked against the whole tree (--tree)
REQUIRED: tuple[str, ...] = ("user_id", "salt", "audit_id", "balances")  # the customer's file
LEVEL_FILE = re.compile(r"tree-level([0-9]+)\.csv")
WEAKNESSES = [
    "no sums: the tree proves your leaf is in it, not what the total liabilities are",
    "balances are only inside leaf preimages: nobody but each owner can see a negative "
    "or missing balance, and nothing adds them up",
    "leaves and parents hash without a domain tag: a parent's 64 input bytes could be "
    "presented as a leaf",
]


def detect(doc: Doc) -> bool:
    if doc.kind == "dir":
        return any(LEVEL_FILE.fullmatch(p.name) for p in doc.path.iterdir())
    return source.lacking(doc, REQUIRED) == []


def parent_of(left: str, right: str) -> str:
    return sha256(bytes.fromhex(left) + bytes.fromhex(right)).hexdigest()


@dataclass
class TreeCheck:
    root: str
    failure: str | None
    leaves: set[str]
    count: int


def _levels(directory: Path) -> dict[int, Path]:
    files = {int(m.group(1)): p for p in directory.iterdir() if (m := LEVEL_FILE.fullmatch(p.name))}
    top = max(files, default=0)
    missing = [k for k in range(1, top + 1) if k not in files]
    if top < 1 or missing:
        raise InputError(
            str(directory), None, f"level files missing: tree-level{(missing or [1])[0]}.csv"
        )
    return files


def _rows(path: Path, level: int) -> list[tuple[int, str, str, str]]:
    try:
        with path.open(newline="") as f:
            lines = list(csv.reader(f))
    except OSError as e:
        raise InputError(str(path), None, e.strerror or "cannot read") from None
    rows = []
    for n, row in enumerate(lines, 1):
        if not row or row[0] == "parent":
            continue
        hashes = [row[0], *row[2:4]] if len(row) == 4 else []
        if not hashes or not all(len(h) == 64 and source.HEX.fullmatch(h) for h in hashes):
            raise InputError(
                str(path), f"line {n}", "not `parent,level,left,right` with 64-hex hashes"
            )
        if row[1] != str(level):
            raise InputError(
                str(path), f"line {n}", f"level {row[1]!r} in the file of level {level}"
            )
        rows.append((n, row[0].lower(), row[2].lower(), row[3].lower()))
    if not rows:
        raise InputError(str(path), None, "no rows")
    return rows


def check_tree(directory: Path) -> TreeCheck:
    """Every row's parent from its children; then, from the root down, every row used
    exactly once and each child below its parent's level (an odd node carried up sits
    lower); the children that head no row are the leaves."""
    files = _levels(directory)
    rows: dict[str, tuple[int, str, str]] = {}
    for level in range(1, max(files) + 1):
        name = files[level].name
        for n, parent, left, right in _rows(files[level], level):
            if parent_of(left, right) != parent:
                return TreeCheck(
                    "",
                    f"{name} line {n}: left and right hash to {parent_of(left, right)}, not {parent}",
                    set(),
                    len(rows),
                )
            if parent in rows:
                return TreeCheck(
                    "", f"{name} line {n}: parent {parent} is listed twice", set(), len(rows)
                )
            rows[parent] = (level, left, right)
    tops = [p for p, (level, _, _) in rows.items() if level == max(files)]
    if len(tops) != 1:
        return TreeCheck(
            "", f"{files[max(files)].name} has {len(tops)} rows, not one root", set(), len(rows)
        )
    leaves: list[str] = []
    used, stack = 0, [tops[0]]
    while stack:
        node = stack.pop()
        if node not in rows:
            leaves.append(node)
            continue
        used += 1
        level, left, right = rows[node]
        for child in (left, right):
            if child in rows and rows[child][0] >= level:
                return TreeCheck(
                    "",
                    f"tree-level{level}.csv: child {child} is not below its parent's level",
                    set(),
                    len(rows),
                )
        stack += [right, left]
    if used != len(rows):
        return TreeCheck(
            "", f"{len(rows) - used} rows are not under the root", set(leaves), len(rows)
        )
    if 0 in files:
        listed = [h.strip().lower() for h in files[0].read_text().split() if h.strip()]
        if listed != leaves:
            return TreeCheck(
                "",
                "tree-level0.csv: the leaves listed are not the tree's leaves, in order",
                set(leaves),
                len(rows),
            )
    return TreeCheck(tops[0], None, set(leaves), len(rows))


def leaf_hash(user_id: str, salt: str, audit_id: str, balances: str) -> str:
    return sha256((user_id + salt + audit_id + balances).encode()).hexdigest()


def verify(doc: Doc, request: Request) -> Verdict:
    if doc.kind == "dir":
        tree = check_tree(doc.path)
        return conclude(
            NAME,
            failure=tree.failure,
            root=tree.root,
            published=request.published,
            weaknesses=WEAKNESSES,
            negatives=[],
            scope=f"the whole tree, {tree.count} parents",
        )
    tree_doc = source.whole_tree(
        request,
        "dir",
        "a binance-2022 leaf is checked against the tree's directory: give {tree} DIR",
    )
    top = source.obj(doc, doc.value, "(top level)")
    fields = {
        k: source.text(doc, top.get(k), k, allow_empty=k == "audit_id")
        for k in ("user_id", "salt", "audit_id", "balances")
    }
    balances = {}
    for item in fields["balances"].split("|"):
        asset, eq, amount = item.partition("=")
        if not eq or not asset:
            raise InputError(doc.source, "balances", f"{item!r} is not ASSET=AMOUNT")
        decimals.parse(amount, doc.source, f"balances.{asset}")
        balances[asset] = amount
    tree = check_tree(tree_doc.path)
    mine = leaf_hash(**fields)
    failure = tree.failure
    if failure is None and mine not in tree.leaves:
        failure = f"leaf: your values hash to {mine}, which is not a leaf of the tree"
    return conclude(
        NAME,
        failure=failure,
        root=tree.root,
        published=request.published,
        weaknesses=WEAKNESSES,
        negatives=[
            f"your leaf: {a} {v}"
            for a, v in balances.items()
            if decimals.parse(v, doc.source, a) < 0
        ],
        account=fields["user_id"],
        balances=balances,
        scope="your leaf and the whole tree",
    )
