"""okx-full-tree: OKX's second liability format, as OKX's Go tool defines it
(okx/proof-of-reserves, common/merklev2.go and common/validator.go).

The customer's file {hash, nodes:[{balances, hash}], nonce, totalBalances}:
hash = sha256(nonce + json(totalBalances)) with the keys BTC, ETH, USDT; each of
the customer's leaves is sha256(hash + BTC + ETH + USDT); the leaves sum to
totalBalances. The full tree file has one node per line, `hash,height,{json}`,
root first, each level listed right to left; a level with an odd count is padded
by a copy of its last node's hash with zero balances. Internal nodes are okx-v1's
(sha256(left + right + BTC + ETH + USDT + height), sums rounded down to 8
decimals, trailing zeros stripped). OKX's own tool only looks for the customer's
leaves; this module checks every internal node as well, level by level, holding
two levels in memory at a time.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from hashlib import sha256
from typing import Any

from verifier.errors import InputError
from verifier.io.jsontext import parse_json
from verifier.tree.formats import decimals, okx_v1, source, typed_path
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import (
    NEGATIVES_ALLOWED,
    ROUNDED_DOWN,
    SUM_ONLY,
    Verdict,
    conclude,
)

NAME = "okx-full-tree"
TAKES_TREE = True  # its customer's file is checked against the whole tree (--tree)
REQUIRED: tuple[str, ...] = ("nodes", "totalBalances", "hash", "nonce")  # the customer's file
ASSETS = okx_v1.ASSETS
WEAKNESSES = [
    SUM_ONLY + " (checking the whole tree, as done here, closes this)",
    NEGATIVES_ALLOWED,
    "only BTC, ETH and USDT are in the tree: every other asset you hold is not proven",
    "OKX's own tool checks none of the internal nodes, only that your leaves are listed",
    ROUNDED_DOWN.format(places=8),
]


@dataclass(frozen=True, slots=True)
class TreeNode:
    line: int
    hash: str
    height: int
    balances: list[str]
    values: list[Decimal]

    @property
    def zero(self) -> bool:
        return not any(self.values)


def detect(doc: Doc) -> bool:
    if doc.kind == "json":
        return source.lacking(doc, REQUIRED) == []
    first = next(doc.lines(), (0, ""))[1]
    return doc.kind == "text" and first.count(",") >= 2 and first.split(",", 2)[2].startswith("{")


def _balances(doc: Doc, raw: Any, field: str) -> tuple[list[str], list[Decimal]]:
    bal = source.obj(doc, raw, field)
    texts = [source.text(doc, bal.get(a), f"{field}.{a}") for a in ASSETS]
    return texts, [
        decimals.parse(t, doc.source, f"{field}.{a}") for a, t in zip(ASSETS, texts, strict=True)
    ]


# The line as OKX writes it; anything else goes through the JSON reader (same result,
# about twice slower on a tree of millions of lines).
_LINE = re.compile(
    r'([0-9a-fA-F]+),([0-9]+),\{"BTC":"([^"\\]*)","ETH":"([^"\\]*)","USDT":"([^"\\]*)"\}'
)


def _nodes(tree: Doc) -> Iterator[TreeNode]:
    # Most balances in a real tree repeat ("0" above all): parse each text once.
    known: dict[str, Decimal] = {}
    for number, line in tree.lines():
        m = _LINE.fullmatch(line)
        if m:
            texts = [m[3], m[4], m[5]]
            values = []
            for a, t in zip(ASSETS, texts, strict=True):
                v = known.get(t)
                if v is None:
                    v = decimals.parse(t, tree.source, f"line {number}.{a}")
                    if len(known) < 1 << 16:
                        known[t] = v
                values.append(v)
            yield TreeNode(number, m[1], int(m[2]), texts, values)
            continue
        parts = line.split(",", 2)
        where = f"line {number}"
        if len(parts) != 3 or not source.HEX.fullmatch(parts[0]) or not parts[1].isdigit():
            raise InputError(tree.source, where, "not `hash,height,{balances}`")
        texts, values = _balances(tree, parse_json(parts[2], tree.source, where), where)
        yield TreeNode(number, parts[0], int(parts[1]), texts, values)


def _write_sum(a: Decimal, b: Decimal) -> str:
    return decimals.stripped(decimals.round_down(decimals.add(a, b), 8))


@dataclass
class TreeCheck:
    root: str
    failure: str | None
    negatives: list[str]
    leaves: dict[str, TreeNode]  # lowercase hash -> leaf, for the customer's lookup
    count: int


def check_tree(tree: Doc, wanted: set[str]) -> TreeCheck:
    """Every internal node against its children; keeps only the leaves in `wanted`."""
    result = TreeCheck("", None, [], {}, 0)
    above: list[TreeNode] = []
    level: list[TreeNode] = []
    for node in _nodes(tree):
        result.count += 1
        result.negatives += [
            f"line {node.line} (height {node.height}): {a} {t}"
            for a, t, v in zip(ASSETS, node.balances, node.values, strict=True)
            if v < 0
        ]
        if not result.root:
            result.root = node.hash
        if level and node.height != level[0].height:
            if node.height != level[0].height - 1:
                raise InputError(
                    tree.source,
                    f"line {node.line}",
                    f"height {node.height} follows height {level[0].height}",
                )
            result.failure = result.failure or _check_level(tree, above, level)
            above, level = level, []
        level.append(node)
        if node.height == 1 and node.hash.lower() in wanted:
            result.leaves[node.hash.lower()] = node
    if not level:
        raise InputError(tree.source, None, "no nodes")
    if level[0].height != 1:
        raise InputError(
            tree.source, None, f"the last level has height {level[0].height}, not 1 (leaves)"
        )
    result.failure = result.failure or _check_level(tree, above, level)
    return result


def _real(level: list[TreeNode]) -> list[TreeNode]:
    """Left to right, without the padding copy (the rightmost node, same hash as its
    neighbour, zero balances) that completes an odd level."""
    nodes = level[::-1]
    if (
        len(nodes) % 2 == 0
        and len(nodes) > 1
        and nodes[-1].hash == nodes[-2].hash
        and nodes[-1].zero
    ):
        return nodes[:-1]
    return nodes


def _check_level(tree: Doc, above: list[TreeNode], level: list[TreeNode]) -> str | None:
    if not above:
        if len(level) != 1:
            raise InputError(
                tree.source, f"line {level[0].line}", "the first line must be the only root"
            )
        return None
    parents, children = _real(above), level[::-1]
    if len(children) != 2 * len(parents):
        raise InputError(
            tree.source,
            f"line {level[0].line}",
            f"{len(children)} nodes at height {children[0].height}, "
            f"but the {len(parents)} nodes above need {2 * len(parents)}",
        )
    for j, parent in enumerate(parents):
        left, right = children[2 * j], children[2 * j + 1]
        sums = [_write_sum(a, b) for a, b in zip(left.values, right.values, strict=True)]
        where = f"line {parent.line} (height {parent.height})"
        for asset, mine, theirs in zip(ASSETS, sums, parent.balances, strict=True):
            if mine != theirs:
                return f"{where}: its children (lines {left.line}, {right.line}) sum {asset} to {mine}, not {theirs}"
        computed = typed_path.node_hash(left.hash, right.hash, parent.balances, parent.height)
        if computed != parent.hash:
            return f"{where}: its children and sums hash to {computed}, not {parent.hash}"
    return None


def verify(doc: Doc, request: Request) -> Verdict:
    if doc.kind == "text":
        tree = check_tree(doc, set())
        return conclude(
            NAME,
            failure=tree.failure,
            root=tree.root,
            published=request.published,
            weaknesses=WEAKNESSES,
            negatives=tree.negatives,
            scope=f"the whole tree, {tree.count} nodes",
        )
    tree_doc = source.whole_tree(
        request,
        "text",
        "an okx-full-tree user file is checked against the full tree file: give {tree} PATH",
    )
    top = source.obj(doc, doc.value, "(top level)")
    user_hash = source.text(doc, top.get("hash"), "hash")
    nonce = source.text(doc, top.get("nonce"), "nonce", allow_empty=True)
    total_texts, _ = _balances(doc, top.get("totalBalances"), "totalBalances")
    mine = []
    for i, n in enumerate(source.arr(doc, top.get("nodes"), "nodes")):
        node = source.obj(doc, n, f"nodes.{i}")
        texts, values = _balances(doc, node.get("balances"), f"nodes.{i}.balances")
        mine.append(
            (f"nodes.{i}", source.text(doc, node.get("hash"), f"nodes.{i}.hash"), texts, values)
        )
    failure = _check_user(user_hash, nonce, total_texts, mine)
    tree = check_tree(tree_doc, {h.lower() for _, h, _, _ in mine})
    failure = failure or tree.failure
    for field, h, texts, _ in mine:
        if failure:
            break
        found = tree.leaves.get(h.lower())
        if found is None or found.hash != h or found.balances != texts:
            failure = f"{field}: your leaf {h} with these balances is not a leaf of the tree"
    return conclude(
        NAME,
        failure=failure,
        root=tree.root,
        published=request.published,
        weaknesses=WEAKNESSES,
        negatives=[
            f"{f}: {a} {t}"
            for f, _, ts, vs in mine
            for a, t, v in zip(ASSETS, ts, vs, strict=True)
            if v < 0
        ]
        + tree.negatives,
        balances=dict(zip(ASSETS, total_texts, strict=True)),
        scope=f"your {len(mine)} leaves and the whole tree, {tree.count} nodes",
    )


def _check_user(
    user_hash: str,
    nonce: str,
    total: list[str],
    mine: list[tuple[str, str, list[str], list[Decimal]]],
) -> str | None:
    """OKX's SelfInfo.Check: each leaf from the user hash, the user hash from the nonce
    and the total, and the leaves summing to the total."""
    for field, h, texts, _ in mine:
        computed = sha256((user_hash + "".join(texts)).encode()).hexdigest()
        if computed != h.lower():
            return f"{field}: the user hash and these balances hash to {computed}, not {h}"
    written = json.dumps(dict(zip(ASSETS, total, strict=True)), separators=(",", ":"))
    computed = sha256((nonce + written).encode()).hexdigest()
    if computed != user_hash.lower():
        return f"hash: nonce and totalBalances hash to {computed}, not the file's {user_hash}"
    sums = mine[0][3]
    texts = mine[0][2]
    for _, _, _, values in mine[1:]:
        texts = [_write_sum(a, b) for a, b in zip(sums, values, strict=True)]
        sums = [decimals.parse(t, "sum", "sum") for t in texts]
    for asset, mine_sum, theirs in zip(ASSETS, texts, total, strict=True):
        if mine_sum != theirs:
            return f"totalBalances: your leaves sum {asset} to {mine_sum}, not {theirs}"
    return None
