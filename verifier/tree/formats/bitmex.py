"""bitmex: BitMEX's proof of liabilities, as its Python tool defines it
(BitMEX/proof-of-reserves-liabilities, validate_liabilities.py).

sub_nonce = sha256(account_nonce || u64le(block_height) || u64le(account));
leaf = HMAC-SHA256(sub_nonce, u64le(value) || u64le(leaf_index));
node = sha256(left_hash || u64le(left_value) || right_hash || u64le(right_value)),
its value the sum. The file is `block_height:N`, then `hex,sats` per node, root
first, level by level, left to right, down to a power-of-two row of leaves.

A customer's values are written as JSON by hand from BitMEX's page:
{"account": N, "nonce": HEX} (the per-proof nonce) or {"account": N, "account_nonce": HEX}.
"""

import hmac
import struct
from dataclasses import dataclass
from hashlib import sha256
from itertools import pairwise

from verifier.errors import InputError
from verifier.models.amounts import format_units
from verifier.tree.formats import source
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import Verdict, conclude

NAME = "bitmex"
TAKES_TREE = True  # its customer's file is checked against the whole tree (--tree)
REQUIRED: tuple[str, ...] = ("account", "nonce|account_nonce")  # the customer's file
U64 = struct.Struct("<Q")
WEAKNESSES = [
    "one asset only (XBT, in satoshis): nothing else you hold is proven",
    "every leaf value is published in clear: anyone sees the distribution of (split) balances",
    "you cannot tell whether all your leaves are present: how many leaves an account has is not published",
    "values are unsigned 64-bit: an account in deficit cannot be represented, so it is left out unseen",
]


@dataclass(frozen=True, slots=True)
class Node:
    line: int
    hash: bytes
    value: int


def detect(doc: Doc) -> bool:
    if doc.kind == "text":
        return next(doc.lines(), (0, ""))[1].startswith("block_height:")
    return source.lacking(doc, REQUIRED) == []


def read_tree(tree: Doc) -> tuple[int, list[list[Node]]]:
    """(block height, levels from the leaves up); the shape checked, nothing hashed yet."""
    lines = tree.lines()
    number, first = next(lines, (1, ""))
    label, _, height = first.partition(":")
    if label != "block_height" or not height.isdigit():
        raise InputError(tree.source, f"line {number}", "not `block_height:N`")
    levels: list[list[Node]] = [[]]
    for number, line in lines:
        parts = line.split(",")
        if len(parts) != 2 or len(parts[0]) != 64 or not source.HEX.fullmatch(parts[0]):
            raise InputError(tree.source, f"line {number}", "not `hash,sats` with a 64-hex hash")
        try:
            value = int(parts[1])
        except ValueError:
            raise InputError(
                tree.source, f"line {number}", f"{parts[1]!r} is not a whole number of sats"
            ) from None
        if len(levels[-1]) == 1 << (len(levels) - 1):
            levels.append([])
        levels[-1].append(Node(number, bytes.fromhex(parts[0]), value))
    if len(levels[-1]) != 1 << (len(levels) - 1):
        raise InputError(
            tree.source, None, f"the last row has {len(levels[-1])} nodes, not a power of two"
        )
    return int(height), levels[::-1]


def node_hash(left: Node, right: Node) -> bytes:
    return sha256(left.hash + U64.pack(left.value) + right.hash + U64.pack(right.value)).digest()


def check_tree(levels: list[list[Node]]) -> tuple[str | None, list[str]]:
    """Every parent from its two children; negatives and values beyond u64 named by line."""
    negatives = [f"line {n.line}: {n.value} sats" for row in levels for n in row if n.value < 0]
    for row in levels:
        for n in row:
            if not 0 <= n.value < 1 << 64:
                return (
                    f"line {n.line}: {n.value} sats does not fit the format's unsigned 64 bits",
                    negatives,
                )
    for below, above in pairwise(levels):
        for i, parent in enumerate(above):
            left, right = below[2 * i], below[2 * i + 1]
            if left.value + right.value != parent.value:
                return (
                    f"line {parent.line}: children (lines {left.line}, {right.line}) sum to {left.value + right.value}, not {parent.value}",
                    negatives,
                )
            if node_hash(left, right) != parent.hash:
                return (
                    f"line {parent.line}: its children hash to {node_hash(left, right).hex()}, not {parent.hash.hex()}",
                    negatives,
                )
    return None, negatives


def sub_nonce(account_nonce: bytes, block_height: int, account: int) -> bytes:
    return sha256(account_nonce + U64.pack(block_height) + U64.pack(account)).digest()


def leaf_hash(value: int, key: bytes, index: int) -> bytes:
    return hmac.new(key, U64.pack(value) + U64.pack(index), sha256).digest()


def verify(doc: Doc, request: Request) -> Verdict:
    if doc.kind == "text":
        _, levels = read_tree(doc)
        failure, negatives = check_tree(levels)
        return conclude(
            NAME,
            failure=failure,
            root=levels[-1][0].hash.hex(),
            published=request.published,
            weaknesses=WEAKNESSES,
            negatives=negatives,
            balances={"XBT total": format_units(levels[-1][0].value, 8)},
            scope=f"the whole tree, {len(levels[0])} leaves",
        )
    tree_doc = source.whole_tree(
        request,
        "text",
        "a bitmex account is looked up in the published tree file: give {tree} PATH",
    )
    top = source.obj(doc, doc.value, "(top level)")
    account = source.integer(doc, top.get("account"), "account")
    if not 0 <= account < 1 << 64:
        raise InputError(doc.source, "account", "not an unsigned 64-bit number")
    block_height, levels = read_tree(tree_doc)
    if "nonce" in top:
        key = bytes.fromhex(source.hexstr(doc, top.get("nonce"), "nonce", 64))
    else:
        account_nonce = bytes.fromhex(source.hexstr(doc, top.get("account_nonce"), "account_nonce"))
        key = sub_nonce(account_nonce, block_height, account)
    failure, negatives = check_tree(levels)
    mine = [
        leaf
        for i, leaf in enumerate(levels[0])
        if 0 <= leaf.value < 1 << 64
        and hmac.compare_digest(leaf_hash(leaf.value, key, i), leaf.hash)
    ]
    if failure is None and not mine:
        failure = (
            f"leaves: none of the {len(levels[0])} leaves matches account {account} and this nonce"
        )
    total = sum(leaf.value for leaf in mine)
    return conclude(
        NAME,
        failure=failure,
        root=levels[-1][0].hash.hex(),
        published=request.published,
        weaknesses=WEAKNESSES,
        negatives=negatives,
        account=str(account),
        balances={"XBT": format_units(total, 8)},
        scope=f"your {len(mine)} leaves (lines {', '.join(str(n.line) for n in mine)}) and the whole tree",
    )
