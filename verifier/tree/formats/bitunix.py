"""bitunix: Bitunix's Merkle sum tree proof (merkle_tree_bitunix.json), as Bitunix's
Java tool defines it (BitunixOfficial/proof-of-reserves @5a00ad8e64be, read in
src/main/java/com/bitunix/; no licence is stated there, so only its facts are used).

Bitget-like, with its own field names (merkleLeaf, height, type, precisions):
- leaf = sha256hex(encryptUid + "," + nonce + "," + json(self.balances)), all 64 hex
  digits (util/MerkelTreeUtil.java: createMerkelNodeLeaf, hashData);
- parent = sha256hex(left.merkleLeaf + right.merkleLeaf + "," + json(sums) + "," +
  height), height = the left child's height - 1 (MerkelTreeUtil.createMerkelParentLeaf,
  model/MerKelTree.java: constructInternalNode); leaves are deepest, the root is 1;
- a sum, per asset of the left child: left + right, setScale(precision, DOWN) and
  toPlainString (trailing zeros kept), the precisions taken from `self` alone
  (MerKelTree.getTotalBalances, model/MerkleTreePath.java: validate);
- a sibling of type 1 is the left child, any other type the right one
  (MerKelTree.createParentTreeNode); the last path entry is the root; path.0 must not
  have self's type (BitunixMerkleValidator.java: validate) and a type of 1 to 3
  (model/TreeNode.java: validatePath); self needs encryptUid, nonce, balances,
  precisions and height (TreeNode.validateSelf);
- json() is fastjson's (2.0.52, pom.xml) writing of a java.util.HashMap: `balances` is
  a Map<String, String> field (TreeNode.java), which fastjson fills as a HashMap, and
  the sums are put in a new HashMap: keys in HashMap iteration order, not the file's.
  That order is reproduced here (java_hashmap_order);
- Bitunix's tool compares the root hash only (MerkleTreePath.validate;
  TreeNode.validateEqualsBalances is never called).

Stricter than Bitunix's tool, each a check its own sample passes: every node lists
self's assets (Java drops a right child's extra asset and crashes on a missing one);
a balance with more decimals than its precision is refused (Java would round it away
from the sums); sibling types are 1 or 2 and the root's 3; a sibling sits at the
height of the node it pairs with; the root's balances and height are the path's; and
path.0's own leaf is checked when the file gives its encryptUid and nonce.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from hashlib import sha256
from typing import Any

from verifier.errors import InputError
from verifier.tree.formats import decimals, source
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import NEGATIVES_ALLOWED, SUM_ONLY, Verdict, conclude

NAME = "bitunix"
TAKES_TREE = False
REQUIRED: tuple[str, ...] = (
    "path",
    "self.merkleLeaf",
    "self.balances",
    "self.precisions",
    "self.encryptUid",
    "self.nonce",
    "self.height",
    "self.type",
)
LEFT, RIGHT, ROOT = 1, 2, 3
# Asset names fastjson writes without escaping; anything else is refused, not guessed.
ASSET = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}")
WEAKNESSES = [
    SUM_ONLY,
    NEGATIVES_ALLOWED,
    "Bitunix's tool compares only the root hash, never the root's balances (this "
    "verifier checks both)",
    "the leaf starts from encryptUid, given without its key: you cannot tie the leaf "
    "to your own UID",
    "the assets are those your own file lists: an asset missing from it is not proven",
]
NEIGHBOUR = (
    "your file carries your neighbour's encryptUid and nonce (path.0): you can check, "
    "and link, another customer's balances"
)


@dataclass(frozen=True)
class Node:
    leaf: str
    height: int
    texts: dict[str, str]  # asset -> the balance as written, in Java's HashMap order
    where: str

    def value(self, asset: str) -> Decimal:
        return decimals.parse(self.texts[asset], "", asset)


def detect(doc: Doc) -> bool:
    return source.lacking(doc, REQUIRED) == []


def java_hashmap_order(keys: Iterable[str]) -> list[str]:
    """The order a java.util.HashMap (JDK 8 on) iterates String keys put in `keys` order.

    Buckets in index order, (h ^ h >>> 16) & (capacity - 1) with h String.hashCode();
    keys of one bucket in the order they were put (a resize splits a bucket keeping
    that order). The table starts at 16 and doubles past 3/4 full, or when a ninth key
    lands in one bucket while the table is under 64. A ninth key in one bucket of a
    larger table turns the bucket into a tree, whose order is not reproduced here:
    ValueError.
    """
    capacity = 16
    table: list[list[str]] = [[] for _ in range(capacity)]

    def index(key: str) -> int:
        h, units = 0, key.encode("utf-16-be")  # String.hashCode() runs over UTF-16 units
        for i in range(0, len(units), 2):
            h = (31 * h + (units[i] << 8 | units[i + 1])) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & (capacity - 1)

    def resize() -> list[list[str]]:
        grown: list[list[str]] = [[] for _ in range(capacity)]
        for bucket in table:
            for key in bucket:
                grown[index(key)].append(key)
        return grown

    for size, key in enumerate(keys, 1):
        bucket = table[index(key)]
        bucket.append(key)
        if len(bucket) > 8:
            if capacity >= 64:
                raise ValueError(f"nine asset names share one Java hash bucket ({key!r})")
            capacity *= 2
            table = resize()
        if size > capacity * 3 // 4:
            capacity *= 2
            table = resize()
    return [key for bucket in table for key in bucket]


def _json(texts: dict[str, str]) -> str:
    """fastjson's writing of a HashMap<String, String>, keys already in its order."""
    return "{" + ",".join(f'"{k}":"{v}"' for k, v in texts.items()) + "}"


def _precisions(doc: Doc, raw: Any, assets: list[str]) -> dict[str, int]:
    table = source.obj(doc, raw, "self.precisions")
    out = {}
    for asset in assets:
        p = source.integer(doc, table.get(asset), f"self.precisions.{asset}")
        if not 0 <= p <= 36:
            raise InputError(doc.source, f"self.precisions.{asset}", "not 0 to 36 decimals")
        out[asset] = p
    return out


def _node(
    doc: Doc, raw: Any, field: str, assets: list[str] | None, precisions: dict[str, int]
) -> Node:
    n = source.obj(doc, raw, field)
    bal = source.obj(doc, n.get("balances"), f"{field}.balances")
    if not bal:
        raise InputError(doc.source, f"{field}.balances", "empty")
    if assets is not None and set(bal) != set(assets):
        raise InputError(doc.source, f"{field}.balances", "its assets differ from self.balances")
    for asset in bal:
        if not ASSET.fullmatch(asset):
            raise InputError(doc.source, f"{field}.balances", f"asset name {asset!r} not supported")
    texts = {a: source.text(doc, bal[a], f"{field}.balances.{a}") for a in bal}
    for a, t in texts.items():
        exponent = decimals.parse(t, doc.source, f"{field}.balances.{a}").as_tuple().exponent
        places = -exponent if isinstance(exponent, int) else 0
        if places > precisions[a]:
            raise InputError(
                doc.source,
                f"{field}.balances.{a}",
                f"{places} decimals, more than its precision {precisions[a]}",
            )
    try:
        order = java_hashmap_order(texts)
    except ValueError as e:
        raise InputError(doc.source, f"{field}.balances", str(e)) from None
    return Node(
        leaf=source.hexstr(doc, n.get("merkleLeaf"), f"{field}.merkleLeaf", 64).lower(),
        height=source.integer(doc, n.get("height"), f"{field}.height"),
        texts={a: texts[a] for a in order},
        where=field,
    )


def leaf_hash(uid: str, nonce: str, node: Node) -> str:
    return sha256(f"{uid},{nonce},{_json(node.texts)}".encode()).hexdigest()


def verify(doc: Doc, request: Request) -> Verdict:
    top = source.obj(doc, doc.value, "(top level)")
    own = source.obj(doc, top.get("self"), "self")
    assets = list(source.obj(doc, own.get("balances"), "self.balances"))
    precisions = _precisions(doc, own.get("precisions"), assets)
    mine = _node(doc, own, "self", None, precisions)
    uid = source.text(doc, own.get("encryptUid"), "self.encryptUid")
    nonce = source.text(doc, own.get("nonce"), "self.nonce")
    side = source.integer(doc, own.get("type"), "self.type")
    if side not in (LEFT, RIGHT):
        raise InputError(doc.source, "self.type", "not 1 or 2 (left, right)")
    raw_path = source.arr(doc, top.get("path"), "path", min_length=2)
    path, types = [], []
    for i, p in enumerate(raw_path):
        path.append(_node(doc, p, f"path.{i}", assets, precisions))
        types.append(
            source.integer(doc, source.obj(doc, p, f"path.{i}").get("type"), f"path.{i}.type")
        )
        wanted = (ROOT,) if i == len(raw_path) - 1 else (LEFT, RIGHT)
        if types[-1] not in wanted:
            what = "3 (the root)" if wanted == (ROOT,) else "1 or 2 (left, right)"
            raise InputError(doc.source, f"path.{i}.type", f"not {what}")
    negatives = [
        f"{n.where}: {a} {t}" for n in (mine, *path) for a, t in n.texts.items() if n.value(a) < 0
    ]
    weaknesses = list(WEAKNESSES)
    first = source.obj(doc, raw_path[0], "path.0")
    neighbour = first.get("encryptUid"), first.get("nonce")
    if neighbour != (None, None):
        weaknesses.append(NEIGHBOUR)
    failure, reached = _walk(doc, mine, uid, nonce, side, path, types, precisions, negatives)
    if failure is None and neighbour != (None, None):
        theirs = leaf_hash(
            source.text(doc, neighbour[0], "path.0.encryptUid"),
            source.text(doc, neighbour[1], "path.0.nonce"),
            path[0],
        )
        if theirs != path[0].leaf:
            failure = (
                f"path.0: its encryptUid, nonce and balances hash to {theirs}, "
                f"not its merkleLeaf {path[0].leaf}"
            )
    return conclude(
        NAME,
        failure=failure,
        root=reached,
        published=request.published,
        weaknesses=weaknesses,
        negatives=negatives,
        account=uid,
        balances=dict(mine.texts),
    )


def _walk(
    doc: Doc,
    mine: Node,
    uid: str,
    nonce: str,
    side: int,
    path: list[Node],
    types: list[int],
    precisions: dict[str, int],
    negatives: list[str],
) -> tuple[str | None, str]:
    leaf = leaf_hash(uid, nonce, mine)
    if leaf != mine.leaf:
        return (
            f"leaf (self): encryptUid, nonce and balances hash to {leaf}, not the file's {mine.leaf}",
            "",
        )
    if types[0] == side:
        return f"path.0: the sibling claims your leaf's side (type {side})", ""
    cur = mine
    for sib, kind in zip(path[:-1], types[:-1], strict=True):
        if sib.height != cur.height:
            return (
                f"{sib.where}: the sibling is at height {sib.height}, "
                f"the node it pairs with at {cur.height}"
            ), ""
        left, right = (sib, cur) if kind == LEFT else (cur, sib)
        sums = {
            a: decimals.plain(
                decimals.round_down(decimals.add(left.value(a), right.value(a)), precisions[a])
            )
            for a in left.texts
        }
        height = left.height - 1
        where = f"the node computed at height {height}"
        texts = {a: sums[a] for a in java_hashmap_order(sums)}
        digest = sha256(f"{left.leaf}{right.leaf},{_json(texts)},{height}".encode()).hexdigest()
        cur = Node(digest, height, texts, where)
        negatives += [f"{where}: {a} {t}" for a, t in texts.items() if cur.value(a) < 0]
    root = path[-1]
    if cur.leaf != root.leaf:
        return (
            f"root ({root.where}): the path leads to hash {cur.leaf}, "
            f"not the file's root hash {root.leaf}",
            cur.leaf,
        )
    for a, t in cur.texts.items():
        if root.value(a) != cur.value(a):
            return (
                f"root ({root.where}): the path sums {a} to {t}, "
                f"not the file's root balance {root.texts[a]}"
            ), cur.leaf
    if cur.height != root.height:
        return (
            f"root ({root.where}): the path reaches height {cur.height}, "
            f"not the root's height {root.height}"
        ), cur.leaf
    return None, cur.leaf
