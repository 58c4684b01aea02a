"""The path walk OKX (v1) and Bybit share.

Both publish the customer's leaf ("self"), then one entry per level: the sibling,
with `type` 1 when it is the left child (any other type: right), and last the root.
A parent is sha256hex(leftHex + rightHex + each sum written out + height). They
differ only in how a sum is written and where the height comes from, so the walk is
written once and each format passes its rules.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from hashlib import sha256

from verifier.errors import InputError
from verifier.tree.formats import decimals, source
from verifier.tree.formats.source import Doc


@dataclass(frozen=True)
class Entry:
    """One node of the file: `field` names it in error and failure messages."""

    field: str
    hash: str
    type: int
    height: int
    balances: list[str]  # the file's text, in asset order
    values: list[Decimal]  # the same, parsed exactly


@dataclass(frozen=True)
class Rules:
    assets: Sequence[str]
    write_sum: Sequence[Callable[[Decimal], str]]  # how each asset's sum is written
    # OKX hashes path[i].height + 1 (a height read from the file); Bybit counts.
    height_from_file: bool


def node_hash(left: str, right: str, sums: Sequence[str], height: int) -> str:
    return sha256((left + right + "".join(sums) + str(height)).encode()).hexdigest()


@dataclass(frozen=True)
class Climb:
    failure: str | None
    root: str
    negatives: list[str]


def climb(doc: Doc, leaf: Entry, path: Sequence[Entry], rules: Rules) -> Climb:
    """Walk from the leaf through path[:-1] and compare what is reached with path[-1]."""
    negatives = [
        f"{e.field}: {asset} {text}"
        for e in (leaf, *path)
        for asset, text, v in zip(rules.assets, e.balances, e.values, strict=True)
        if v < 0
    ]
    if path[0].type == leaf.type:
        return Climb(
            f"{path[0].field}: the sibling claims your leaf's side (type {leaf.type})",
            "",
            negatives,
        )
    cur_hash, cur_text, cur = leaf.hash, leaf.balances, leaf.values
    height = 1
    for i, sib in enumerate(path[:-1]):
        sib_left = leaf.type != 1 if i == 0 else sib.type == 1
        left, right = (sib.hash, cur_hash) if sib_left else (cur_hash, sib.hash)
        height = sib.height + 1 if rules.height_from_file and i > 0 else height + 1
        cur_text = [
            write(decimals.add(a, b))
            for write, a, b in zip(rules.write_sum, cur, sib.values, strict=True)
        ]
        cur = [decimals.parse(t, doc.source, f"sum at height {height}") for t in cur_text]
        negatives += [
            f"the node computed at height {height}: {a} {t}"
            for a, t, v in zip(rules.assets, cur_text, cur, strict=True)
            if v < 0
        ]
        cur_hash = node_hash(left, right, cur_text, height)
    root = path[-1]
    if cur_hash != root.hash:
        failure = f"root ({root.field}): the path leads to hash {cur_hash}, not the file's root hash {root.hash}"
        return Climb(failure, cur_hash, negatives)
    for asset, mine, theirs in zip(rules.assets, cur_text, root.balances, strict=True):
        if mine != theirs:
            failure = (
                f"root ({root.field}): the path sums {asset} to {mine}, not the file's {theirs}"
            )
            return Climb(failure, cur_hash, negatives)
    if height != root.height:
        failure = f"root ({root.field}): the path reaches height {height}, not the root's height {root.height}"
        return Climb(failure, cur_hash, negatives)
    return Climb(None, cur_hash, negatives)


def entry(doc: Doc, node: object, field: str, balance_key: str, assets: Sequence[str]) -> Entry:
    """One JSON node of the file, its balances read in `assets` order as JSON strings."""
    n = source.obj(doc, node, field)
    bal = source.obj(doc, n.get(balance_key), f"{field}.{balance_key}")
    texts = [source.text(doc, bal.get(a), f"{field}.{balance_key}.{a}") for a in assets]
    typ = source.integer(doc, n.get("type"), f"{field}.type")
    if field != "self" and not 1 <= typ <= 4:
        raise InputError(doc.source, f"{field}.type", "not 1 to 4 (left, right, root, padding)")
    return Entry(
        field=field,
        hash=source.text(doc, n.get("hash"), f"{field}.hash"),
        type=typ,
        height=source.integer(doc, n.get("height"), f"{field}.height"),
        balances=texts,
        values=[
            decimals.parse(t, doc.source, f"{field}.{balance_key}.{a}")
            for a, t in zip(assets, texts, strict=True)
        ],
    )


def entries(doc: Doc, balance_key: str, assets: Sequence[str]) -> tuple[Entry, list[Entry]]:
    """self and path of the file; the path holds at least the sibling and the root."""
    top = source.obj(doc, doc.value, "(top level)")
    leaf = entry(doc, top.get("self"), "self", balance_key, assets)
    path = source.arr(doc, top.get("path"), "path", min_length=2)
    return leaf, [entry(doc, p, f"path.{i}", balance_key, assets) for i, p in enumerate(path)]
