"""mexc: MEXC's Merkle sum tree proof, as MEXC's Java tool defines it
(mexcmerkle/mexc-proof-of-reserves, MerkleProofValidator and MerklePathNode).

leaf = sha256hex(proofId + "," + accountId + "," + "TOKEN:bal,...")[:32], tokens
sorted, balances as written; parent = sha256hex(left + "," + right + "," +
"TOKEN:sum,...")[:32], sums sorted and written with trailing zeros stripped. The
path lists siblings by level (self is level 0, the root the deepest level); a level
missing from the path, or a sibling with hash "", is empty: it adds no balances,
and when it is the right child the parent also skips MEXC's default zero BTC, ETH,
USDT and USDC entries.
"""

from dataclasses import dataclass
from decimal import Decimal
from hashlib import sha256
from typing import Any

from verifier.errors import InputError
from verifier.tree.formats import decimals, source
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import NEGATIVES_ALLOWED, SUM_ONLY, Verdict, conclude, truncated

NAME = "mexc"
TAKES_TREE = False
REQUIRED: tuple[str, ...] = (
    "pathList",
    "self.hash",
    "self.type",
    "self.balances",
    "self.proofId",
    "self.accountId",
)
LEFT, RIGHT = 1, 2
DEFAULTS = ("BTC", "USDT", "ETH", "USDC")  # MexcMerkleValidator.initBalanceData
WEAKNESSES = [
    truncated(128),
    SUM_ONLY,
    NEGATIVES_ALLOWED,
    "MEXC's tool compares only the root hash, never the root's balances (this verifier checks both)",
    'an empty sibling has hash "": nothing binds it, so the tree\'s shape is not committed',
]


@dataclass(frozen=True)
class Node:
    hash: str
    type: int
    balances: dict[str, str]  # token -> text; sorted when hashed
    where: str


def detect(doc: Doc) -> bool:
    return source.lacking(doc, REQUIRED) == []


def _text(doc: Doc, value: Any, field: str) -> str:
    """fastjson reads a JSON number into a String field as its text: so do we."""
    return value if isinstance(value, str) else source.text(doc, value, field)


def _balances(doc: Doc, value: Any, field: str, *, optional: bool) -> dict[str, str]:
    if value is None and optional:
        return {}
    raw = source.obj(doc, value, field)
    out = {str(k): _text(doc, v, f"{field}.{k}") for k, v in raw.items()}
    for k, v in out.items():
        decimals.parse(v, doc.source, f"{field}.{k}")
    return out


def _negative(doc: Doc, n: Node) -> list[tuple[str, str]]:
    return [(k, v) for k, v in n.balances.items() if decimals.parse(v, doc.source, k) < 0]


def hash32(content: str) -> str:
    return sha256(content.encode()).hexdigest()[:32]


def _parent(doc: Doc, left: Node, right: Node, where: str) -> Node:
    sums: dict[str, Decimal] = {}
    for k, v in left.balances.items():
        sums[k] = decimals.add(sums.get(k, decimals.ZERO), decimals.parse(v, doc.source, k))
    if right.hash.strip():
        for k in DEFAULTS:
            sums.setdefault(k, decimals.ZERO)
        for k, v in right.balances.items():
            sums[k] = decimals.add(sums.get(k, decimals.ZERO), decimals.parse(v, doc.source, k))
    written = ",".join(f"{k}:{decimals.stripped(v)}" for k, v in sorted(sums.items()))
    return Node(
        hash=hash32(f"{left.hash},{right.hash},{written}"),
        type=0,
        balances={k: decimals.plain(v) for k, v in sums.items()},
        where=where,
    )


def verify(doc: Doc, request: Request) -> Verdict:
    top = source.obj(doc, doc.value, "(top level)")
    own = source.obj(doc, top.get("self"), "self")
    mine = Node(
        hash=source.text(doc, own.get("hash"), "self.hash"),
        type=source.integer(doc, own.get("type"), "self.type"),
        balances=_balances(doc, own.get("balances"), "self.balances", optional=False),
        where="self",
    )
    proof_id = _text(doc, own.get("proofId"), "self.proofId")
    account = _text(doc, own.get("accountId"), "self.accountId")
    by_level: dict[int, Node] = {}
    entries = source.arr(doc, top.get("pathList"), "pathList")
    level = 0
    for i, p in enumerate(entries):
        node = source.obj(doc, p, f"pathList.{i}")
        level = source.integer(doc, node.get("level"), f"pathList.{i}.level")
        if level in by_level:
            raise InputError(doc.source, f"pathList.{i}.level", f"level {level} is listed twice")
        by_level[level] = Node(
            hash=source.text(doc, node.get("hash"), f"pathList.{i}.hash", allow_empty=True),
            type=source.integer(doc, node.get("type"), f"pathList.{i}.type"),
            balances=_balances(doc, node.get("balances"), f"pathList.{i}.balances", optional=True),
            where=f"pathList.{i} (level {level})",
        )
    root = by_level[level]  # level of the last entry: the root
    if root.type != 3 or level < 1:
        raise InputError(
            doc.source,
            f"pathList.{len(entries) - 1}",
            "the last entry must be the root (type 3, level 1 or more)",
        )
    negatives = [
        f"{n.where}: {k} {v}" for n in (mine, *by_level.values()) for k, v in _negative(doc, n)
    ]
    failure = _walk(doc, mine, proof_id, account, by_level, level, negatives)
    reached = failure[1]
    return conclude(
        NAME,
        failure=failure[0],
        root=reached,
        published=request.published,
        weaknesses=WEAKNESSES,
        negatives=negatives,
        account=account,
        balances=dict(sorted(mine.balances.items())),
    )


def _walk(
    doc: Doc,
    mine: Node,
    proof_id: str,
    account: str,
    by_level: dict[int, Node],
    depth: int,
    negatives: list[str],
) -> tuple[str | None, str]:
    written = ",".join(f"{k}:{v}" for k, v in sorted(mine.balances.items()))
    leaf = hash32(f"{proof_id},{account},{written}")
    if leaf != mine.hash:
        return (
            f"leaf (self): proofId, accountId and balances hash to {leaf}, not the file's {mine.hash}",
            "",
        )
    cur = mine
    for level in range(depth):
        sib = by_level.get(level) or Node(
            "", RIGHT if cur.type == LEFT else LEFT, {}, f"level {level}"
        )
        left, right = (cur, sib) if cur.type == LEFT else (sib, cur)
        parent = _parent(doc, left, right, f"the node computed at level {level + 1}")
        above = by_level.get(level + 1)
        side = LEFT if above is None or above.type != LEFT else RIGHT
        cur = Node(parent.hash, side, parent.balances, parent.where)
        negatives += [f"{cur.where}: {k} {v}" for k, v in _negative(doc, cur)]
    root = by_level[depth]
    if cur.hash != root.hash:
        return (
            f"root (level {depth}): the path leads to hash {cur.hash}, not the file's root hash {root.hash}",
            cur.hash,
        )
    for k in sorted(set(cur.balances) | set(root.balances)):
        mine_sum = decimals.parse(cur.balances.get(k, "0"), doc.source, k)
        theirs = decimals.parse(root.balances.get(k, "0"), doc.source, k)
        if mine_sum != theirs:
            return (
                f"root (level {depth}): the path sums {k} to {decimals.plain(mine_sum)}, "
                f"not the file's root balance {root.balances.get(k, '(none)')}"
            ), cur.hash
    return None, cur.hash
