"""bitget: Bitget's Merkle sum tree proof (merkel_tree_bg.json), as Bitget's Java
tool defines it (BitgetLimited/proof-of-reserves, MerKelTree and MerkelTreeUtils).

leaf = sha256hex(encryptUid + "," + nonce + "," + json(balances))[:16]; parent =
sha256hex(left + right + "," + json(sums) + "," + level)[:16] with level = the left
child's level - 1 (leaves at n + 1, the root at 1); a sibling with role 1 is the
left child, any other role (0 empty, 2 right) the right one. json() is fastjson's,
keys in the file's order, and two generations write the values differently:
- 2022: JSON numbers, written back with BigDecimal.toString(): the written scale is
  part of the hash ("0.000098" stays, "0.00000000" becomes 0E-8), sums keep the
  larger scale;
- 2025 on: JSON strings, written with trailing zeros stripped.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from hashlib import sha256
from typing import Any

from verifier.errors import InputError
from verifier.io.jsontext import Num
from verifier.tree.formats import decimals, source
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import NEGATIVES_ALLOWED, SUM_ONLY, Verdict, conclude, truncated

NAME = "bitget"
TAKES_TREE = False
REQUIRED: tuple[str, ...] = (
    "path",
    "self.merkelLeaf",
    "self.balances",
    "self.level",
    "self.role",
    "self.encryptUid",
    "self.nonce",
)
LEFT = 1
WEAKNESSES = [
    truncated(64),
    SUM_ONLY,
    NEGATIVES_ALLOWED,
    "the leaf starts from encryptUid, given without its key: you cannot tie the leaf "
    "to your own UID",
]
NUMERIC = "balances are JSON numbers whose written scale is hashed: a reader that turns them into floats cannot verify the file"


@dataclass(frozen=True)
class Node:
    leaf: str
    level: int
    role: int
    balances: dict[str, Decimal]  # in the file's key order
    where: str


def detect(doc: Doc) -> bool:
    return source.lacking(doc, REQUIRED) == []


def _writer(numeric: bool) -> Callable[[dict[str, Decimal]], str]:
    def write(balances: dict[str, Decimal]) -> str:
        if numeric:
            items = (f"{json.dumps(k)}:{decimals.java_string(v)}" for k, v in balances.items())
        else:
            items = (
                f"{json.dumps(k)}:{json.dumps(decimals.stripped(v))}" for k, v in balances.items()
            )
        return "{" + ",".join(items) + "}"

    return write


def _node(doc: Doc, value: Any, field: str, *, root: bool = False) -> tuple[Node, set[bool]]:
    n = source.obj(doc, value, field)
    raw = source.obj(doc, n.get("balances"), f"{field}.balances")
    if not raw:
        raise InputError(doc.source, f"{field}.balances", "empty")
    kinds = set()
    balances = {}
    for k, v in raw.items():
        if not isinstance(v, str):
            raise InputError(doc.source, f"{field}.balances.{k}", "not a number or a string")
        kinds.add(isinstance(v, Num))
        balances[k] = decimals.parse(v, doc.source, f"{field}.balances.{k}")
    role = n.get("role")
    node = Node(
        leaf=source.text(doc, n.get("merkelLeaf"), f"{field}.merkelLeaf"),
        level=source.integer(doc, n.get("level"), f"{field}.level"),
        role=3 if root and role is None else source.integer(doc, role, f"{field}.role"),
        balances=balances,
        where=field,
    )
    if not 0 <= node.role <= 3 or node.level < 1:
        raise InputError(doc.source, field, "role must be 0 to 3 and level 1 or more")
    return node, kinds


def verify(doc: Doc, request: Request) -> Verdict:
    top = source.obj(doc, doc.value, "(top level)")
    own = source.obj(doc, top.get("self"), "self")
    mine, kinds = _node(doc, own, "self")
    uid = source.text(doc, own.get("encryptUid"), "self.encryptUid")
    nonce = source.text(doc, own.get("nonce"), "self.nonce")
    raw_path = source.arr(doc, top.get("path"), "path", min_length=2)
    path = []
    for i, p in enumerate(raw_path):
        node, k = _node(doc, p, f"path.{i}", root=i == len(raw_path) - 1)
        path.append(node)
        kinds |= k
    if len(kinds) > 1:
        raise InputError(
            doc.source,
            "balances",
            "mixes JSON numbers and strings: neither generation of the format",
        )
    numeric = kinds == {True}
    write = _writer(numeric)
    negatives = [
        f"{n.where}: {k} {v}" for n in (mine, *path) for k, v in n.balances.items() if v < 0
    ]
    failure, reached = _walk(mine, uid, nonce, path, write, negatives)
    return conclude(
        NAME,
        failure=failure,
        root=reached,
        published=request.published,
        weaknesses=WEAKNESSES + ([NUMERIC] if numeric else []),
        negatives=negatives,
        account=uid,
        balances={k: decimals.plain(v) for k, v in mine.balances.items()},
    )


def hash16(content: str) -> str:
    return sha256(content.encode()).hexdigest()[:16]


def _walk(
    mine: Node,
    uid: str,
    nonce: str,
    path: list[Node],
    write: Callable[[dict[str, Decimal]], str],
    negatives: list[str],
) -> tuple[str | None, str]:
    leaf = hash16(f"{uid},{nonce},{write(mine.balances)}")
    if leaf != mine.leaf:
        return (
            f"leaf (self): encryptUid, nonce and balances hash to {leaf}, not the file's {mine.leaf}",
            "",
        )
    if path[0].role == mine.role:
        return f"path.0: the sibling claims your leaf's role ({mine.role})", ""
    cur = mine
    for sib in path[:-1]:
        left, right = (sib, cur) if sib.role == LEFT else (cur, sib)
        sums = dict(left.balances)
        for k, v in right.balances.items():
            sums[k] = decimals.add(sums[k], v) if k in sums else v
        level = left.level - 1
        where = f"the node computed at level {level}"
        negatives += [f"{where}: {k} {decimals.plain(v)}" for k, v in sums.items() if v < 0]
        cur = Node(hash16(f"{left.leaf}{right.leaf},{write(sums)},{level}"), level, 0, sums, where)
    root = path[-1]
    if cur.leaf != root.leaf:
        return (
            f"root ({root.where}): the path leads to hash {cur.leaf}, not the file's root hash {root.leaf}",
            cur.leaf,
        )
    for k, v in cur.balances.items():
        if k not in root.balances or root.balances[k] != v:
            return (
                f"root ({root.where}): the path sums {k} to {decimals.plain(v)}, "
                f"not the file's root balance {root.balances.get(k, '(none)')}"
            ), cur.leaf
    if cur.level != root.level:
        return (
            f"root ({root.where}): the path reaches level {cur.level}, not the root's level {root.level}",
            cur.leaf,
        )
    return None, cur.leaf
