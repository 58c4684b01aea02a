"""A tree builder per vendor format, written from the issue's definitions only (not
from verifier/), so that the verifier is checked against an independent reading.

Each builder takes the customers' balances and returns the files a vendor would
publish: the proof of one customer, and the whole tree where the format has one.
"""

import base64
import hmac
import json
import struct
from collections.abc import Callable, Sequence
from decimal import ROUND_DOWN, Decimal
from hashlib import sha256
from pathlib import Path
from typing import Any

from verifier.tree.poseidon import hash_elements

Node = tuple[str, list[Decimal]]  # (hash, sums in asset order)


def h(text: str) -> str:
    return sha256(text.encode()).hexdigest()


def down8(d: Decimal) -> Decimal:
    return d.quantize(Decimal("0.00000001"), rounding=ROUND_DOWN)


def strip(d: Decimal) -> str:
    return "0" if d == 0 else format(d.normalize(), "f")


def levels(leaves: list[Node], combine: Callable[[Node, Node, int], Node]) -> list[list[Node]]:
    """Bottom-up levels of a full binary tree; `combine` gets the parent's height (leaves 1)."""
    out = [leaves]
    while len(out[-1]) > 1:
        row = out[-1]
        out.append([combine(row[i], row[i + 1], len(out) + 1) for i in range(0, len(row), 2)])
    return out


def siblings(tree: list[list[Node]], index: int) -> list[tuple[Node, bool]]:
    """(sibling, sibling is the left child) for each level below the root."""
    out = []
    for row in tree[:-1]:
        out.append((row[index ^ 1], index % 2 == 1))
        index //= 2
    return out


# --- okx-v1 -------------------------------------------------------------------------
OKX_ASSETS = ("BTC", "ETH", "USDT")


def okx_sums(left: Node, right: Node) -> list[Decimal]:
    return [Decimal(strip(down8(a + b))) for a, b in zip(left[1], right[1], strict=True)]


def okx_combine(left: Node, right: Node, height: int) -> Node:
    sums = okx_sums(left, right)
    return h(left[0] + right[0] + "".join(strip(s) for s in sums) + str(height)), sums


def okx_leaf(nonce: str, texts: Sequence[str]) -> str:
    return h(
        nonce + "{" + ",".join(f'"{a}":"{t}"' for a, t in zip(OKX_ASSETS, texts, strict=True)) + "}"
    )


def okx_v1(balances: list[list[str]], index: int) -> dict[str, Any]:
    """balances: one [BTC, ETH, USDT] text triple per customer; a power of two of them."""
    nonces = [h(f"nonce{i}") for i in range(len(balances))]
    leaves = [
        (okx_leaf(n, b), [Decimal(t) for t in b]) for n, b in zip(nonces, balances, strict=True)
    ]
    tree = levels(leaves, okx_combine)

    def entry(
        node: Node, typ: int, height: int, texts: Sequence[str] | None = None
    ) -> dict[str, Any]:
        written = texts or [strip(s) for s in node[1]]
        return {
            "auditId": "1",
            "balances": dict(zip(OKX_ASSETS, written, strict=True)),
            "type": typ,
            "hash": node[0],
            "height": height,
        }

    path = []
    for level, (sib, sib_left) in enumerate(siblings(tree, index)):
        texts = balances[index ^ 1] if level == 0 else None
        path.append(entry(sib, 1 if sib_left else 2, level + 1, texts))
    path.append(entry(tree[-1][0], 3, len(tree)))
    own = entry(leaves[index], 2 if index % 2 else 1, 1, balances[index])
    own["nonce"] = nonces[index]
    return {"path": path, "self": own}


# --- bybit --------------------------------------------------------------------------
def bybit(
    assets: list[str], balances: list[list[str]], index: int, scales: list[int] | None = None
) -> dict[str, Any]:
    """Hashes in `assets` order; `scales` per asset (8 unless given: Bybit's first format)."""
    places = [Decimal(1).scaleb(-s) for s in scales or [8] * len(assets)]

    def combine(left: Node, right: Node, height: int) -> Node:
        sums = [
            (a + b).quantize(q, rounding=ROUND_DOWN)
            for a, b, q in zip(left[1], right[1], places, strict=True)
        ]
        return h(left[0] + right[0] + "".join(format(s, "f") for s in sums) + str(height)), sums

    users = [h(f"user{i}") for i in range(len(balances))]
    leaves = [
        (h(u + "".join(b)), [Decimal(t) for t in b]) for u, b in zip(users, balances, strict=True)
    ]
    tree = levels(leaves, combine)

    def entry(
        node: Node, typ: int, height: int, texts: Sequence[str] | None = None
    ) -> dict[str, Any]:
        written = texts or [format(s, "f") for s in node[1]]
        return {
            "auditId": "2024",
            "balance": dict(zip(assets, written, strict=True)),
            "type": typ,
            "hash": node[0],
            "height": height,
        }

    path = [
        entry(sib, 1 if left else 2, level + 1, balances[index ^ 1] if level == 0 else None)
        for level, (sib, left) in enumerate(siblings(tree, index))
    ]
    path.append(entry(tree[-1][0], 3, len(tree)))
    own = entry(leaves[index], 2 if index % 2 else 1, 1, balances[index])
    own |= {"nonce": "n", "userHash": users[index]}
    return {"self": own, "path": path}


# --- mexc ---------------------------------------------------------------------------
MexcNode = tuple[str, dict[str, Decimal]]


def mexc_hash(text: str) -> str:
    return h(text)[:32]


def mexc_combine(left: MexcNode, right: MexcNode) -> MexcNode:
    sums = dict(left[1])
    if right[0]:
        for k in ("BTC", "USDT", "ETH", "USDC"):
            sums.setdefault(k, Decimal(0))
        for k, v in right[1].items():
            sums[k] = sums.get(k, Decimal(0)) + v
    written = ",".join(f"{k}:{strip(v)}" for k, v in sorted(sums.items()))
    return mexc_hash(f"{left[0]},{right[0]},{written}"), sums


def mexc(balances: list[dict[str, str]], index: int, *, empty_last: bool = False) -> dict[str, Any]:
    """A power of two of leaves; with `empty_last` the last one is an empty node (hash "")."""
    leaves: list[MexcNode] = []
    for i, b in enumerate(balances):
        if empty_last and i == len(balances) - 1:
            leaves.append(("", {}))
            continue
        written = ",".join(f"{k}:{v}" for k, v in sorted(b.items()))
        leaves.append(
            (mexc_hash(f"PR-1,{1000 + i},{written}"), {k: Decimal(v) for k, v in b.items()})
        )
    tree = [leaves]
    while len(tree[-1]) > 1:
        row = tree[-1]
        tree.append([mexc_combine(row[i], row[i + 1]) for i in range(0, len(row), 2)])
    path, at = [], index
    for level, row in enumerate(tree[:-1]):
        sib = row[at ^ 1]
        written = {k: format(v, "f") for k, v in sib[1].items()}
        path.append(
            {"level": level, "type": 1 if at % 2 else 2, "hash": sib[0], "balances": written}
        )
        at //= 2
    top = tree[-1][0]
    path.append(
        {
            "level": len(tree) - 1,
            "type": 3,
            "hash": top[0],
            "balances": {k: format(v, "f") for k, v in top[1].items()},
        }
    )
    own = {
        "level": 0,
        "type": 2 if index % 2 else 1,
        "hash": leaves[index][0],
        "balances": balances[index],
    }
    return {"pathList": path, "self": own | {"proofId": "PR-1", "accountId": str(1000 + index)}}


# --- bitget -------------------------------------------------------------------------
def java_str(d: Decimal) -> str:
    return str(d)


def bitget(balances: list[dict[str, str]], index: int, *, numeric: bool) -> str:
    """merkel_tree_bg.json as text: 2022 (numeric=True) writes JSON numbers, later strings."""

    def js(b: dict[str, Decimal]) -> str:
        if numeric:
            return "{" + ",".join(f'"{k}":{java_str(v)}' for k, v in b.items()) + "}"
        return "{" + ",".join(f'"{k}":"{strip(v)}"' for k, v in b.items()) + "}"

    n = len(balances).bit_length() - 1
    leaves = []
    for i, b in enumerate(balances):
        dec = {k: Decimal(v) for k, v in b.items()}
        leaves.append((h(f"uid{i},nonce{i},{js(dec)}")[:16], dec))
    rows = [leaves]
    while len(rows[-1]) > 1:
        row, level = rows[-1], n + 1 - len(rows)
        nxt = []
        for i in range(0, len(row), 2):
            sums = {k: row[i][1][k] + row[i + 1][1][k] for k in row[i][1]}
            nxt.append((h(f"{row[i][0]}{row[i + 1][0]},{js(sums)},{level}")[:16], sums))
        rows.append(nxt)

    def entry(node: tuple[str, dict[str, Decimal]], level: int, role: int | None) -> str:
        if numeric:
            bal = "{" + ",".join(f'"{k}":{java_str(v)}' for k, v in node[1].items()) + "}"
        else:
            bal = json.dumps({k: format(v, "f") for k, v in node[1].items()})
        role_part = "" if role is None else f',"role":{role}'
        return f'{{"auditId":"A1","balances":{bal},"level":{level},"merkelLeaf":"{node[0]}"{role_part}}}'

    path, at = [], index
    for depth, row in enumerate(rows[:-1]):
        path.append(entry(row[at ^ 1], n + 1 - depth, 1 if at % 2 else 2))
        at //= 2
    path.append(entry(rows[-1][0], 1, None))
    own_bal = (
        "{" + ",".join(f'"{k}":{v}' for k, v in balances[index].items()) + "}"
        if numeric
        else json.dumps(balances[index])
    )
    own = (
        f'{{"auditId":"A1","balances":{own_bal},"encryptUid":"uid{index}","level":{n + 1},'
        f'"merkelLeaf":"{leaves[index][0]}","nonce":"nonce{index}","role":{2 if index % 2 else 1}}}'
    )
    return '{"path":[' + ",".join(path) + '],"self":' + own + "}"


# --- okx-full-tree ------------------------------------------------------------------
def okx_full_tree(customers: list[list[list[str]]], who: int) -> tuple[dict[str, Any], str]:
    """customers: for each, its leaves' [BTC, ETH, USDT] texts. Returns (user file, tree text)."""
    users = []
    leaves: list[Node] = []
    texts: list[list[str]] = []
    for i, split in enumerate(customers):
        total = [Decimal(0)] * 3
        for b in split:
            total = [Decimal(strip(down8(t + Decimal(x)))) for t, x in zip(total, b, strict=True)]
        total_texts = [strip(t) for t in total] if len(split) > 1 else split[0]
        user = h(
            h(f"n{i}")
            + json.dumps(dict(zip(OKX_ASSETS, total_texts, strict=True)), separators=(",", ":"))
        )
        users.append((user, h(f"n{i}"), total_texts))
        for b in split:
            leaves.append((h(user + "".join(b)), [Decimal(x) for x in b]))
            texts.append(b)
    rows: list[list[tuple[str, list[str]]]] = [
        [(lh, t) for (lh, _), t in zip(leaves, texts, strict=True)]
    ]
    nodes: list[Node] = leaves
    while len(nodes) > 1:
        if len(nodes) % 2:
            nodes = [*nodes, (nodes[-1][0], [Decimal(0)] * 3)]
            rows[-1].append((nodes[-1][0], ["0", "0", "0"]))
        nodes = [
            okx_combine(nodes[i], nodes[i + 1], len(rows) + 1) for i in range(0, len(nodes), 2)
        ]
        rows.append([(n[0], [strip(s) for s in n[1]]) for n in nodes])
    lines = []
    for height in range(len(rows), 0, -1):
        for node_hash, bal in reversed(rows[height - 1]):
            lines.append(
                f"{node_hash},{height},"
                + json.dumps(dict(zip(OKX_ASSETS, bal, strict=True)), separators=(",", ":"))
            )
    user, nonce, total_texts = users[who]
    mine = [
        {"balances": dict(zip(OKX_ASSETS, b, strict=True)), "hash": h(user + "".join(b))}
        for b in customers[who]
    ]
    return {
        "hash": user,
        "nodes": mine,
        "nonce": nonce,
        "totalBalances": dict(zip(OKX_ASSETS, total_texts, strict=True)),
    }, "\n".join(lines) + "\n"


# --- binance-2022 -------------------------------------------------------------------
def binance_leaf(user_id: str, salt: str, audit_id: str, balances: str) -> str:
    return h(user_id + salt + audit_id + balances)


def binance_2022(leaves: list[str], directory: Path, *, level0: bool = False) -> str:
    """Writes tree-level1.csv ... into `directory`; returns the root."""
    directory.mkdir(parents=True, exist_ok=True)
    if level0:
        (directory / "tree-level0.csv").write_text("".join(f"{x}\n" for x in leaves))
    row, level = leaves, 1
    while len(row) > 1:
        pairs = [(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
        parents = [sha256(bytes.fromhex(a) + bytes.fromhex(b)).hexdigest() for a, b in pairs]
        (directory / f"tree-level{level}.csv").write_text(
            "".join(f"{p},{level},{a},{b}\n" for p, (a, b) in zip(parents, pairs, strict=True))
        )
        row = parents + (row[-1:] if len(row) % 2 else [])
        level += 1
    return row[0]


# --- bitmex -------------------------------------------------------------------------
U64 = struct.Struct("<Q")


def bitmex_sub_nonce(account_nonce: bytes, height: int, account: int) -> bytes:
    return sha256(account_nonce + U64.pack(height) + U64.pack(account)).digest()


def bitmex(leaves: list[tuple[int, bytes]], block_height: int) -> str:
    """leaves: (sats, sub_nonce) per leaf, a power of two of them; returns the tree file."""
    row = [
        (hmac.new(key, U64.pack(v) + U64.pack(i), sha256).digest(), v)
        for i, (v, key) in enumerate(leaves)
    ]
    rows = [row]
    while len(rows[-1]) > 1:
        r = rows[-1]
        rows.append(
            [
                (
                    sha256(
                        r[i][0] + U64.pack(r[i][1]) + r[i + 1][0] + U64.pack(r[i + 1][1])
                    ).digest(),
                    r[i][1] + r[i + 1][1],
                )
                for i in range(0, len(r), 2)
            ]
        )
    out = [f"block_height:{block_height}"]
    for r in reversed(rows):
        out += [f"{x.hex()},{v}" for x, v in r]
    return "\n".join(out) + "\n"


# --- bitunix ------------------------------------------------------------------------
def java_hash(text: str) -> int:
    """String.hashCode() as an unsigned 32-bit number (ASCII names: one unit a char)."""
    value = 0
    for c in text:
        value = (value * 31 + ord(c)) % (1 << 32)
    return value


class JavaHashMap:
    """java.util.HashMap's put and iteration for String keys, simulated literally:
    a table of chains, a threshold of 3/4, a chain of nine resizing a small table."""

    def __init__(self) -> None:
        self.chains: list[list[tuple[str, str]]] = [[] for _ in range(16)]
        self.count = 0

    def slot(self, key: str, size: int) -> int:
        spread = java_hash(key) ^ (java_hash(key) >> 16)
        return spread & (size - 1)

    def grow(self) -> None:
        old, size = self.chains, 2 * len(self.chains)
        self.chains = [[] for _ in range(size)]
        for chain in old:  # each old chain splits in two, each keeping its order
            for key, value in chain:
                self.chains[self.slot(key, size)].append((key, value))

    def put(self, key: str, value: str) -> None:
        chain = self.chains[self.slot(key, len(self.chains))]
        assert all(k != key for k, _ in chain)
        chain.append((key, value))
        if len(chain) >= 9:
            assert len(self.chains) < 64, "a tree bin: not simulated"
            self.grow()
        self.count += 1
        if self.count > len(self.chains) * 0.75:
            self.grow()

    def written(self) -> str:
        """fastjson's JSONObject.toJSONString of the map."""
        pairs = [f'"{k}":"{v}"' for chain in self.chains for k, v in chain]
        return "{" + ",".join(pairs) + "}"

    def order(self) -> list[str]:
        return [k for chain in self.chains for k, _ in chain]


def java_map(items: dict[str, str]) -> JavaHashMap:
    m = JavaHashMap()
    for k, v in items.items():
        m.put(k, v)
    return m


BitunixNode = tuple[str, dict[str, str], int]  # (merkleLeaf, balances as written, height)


def bitunix(
    balances: list[dict[str, str]],
    index: int,
    precisions: dict[str, int],
    *,
    file_order: list[str] | None = None,
) -> dict[str, Any]:
    """merkle_tree_bitunix.json for customer `index` of a power-of-two tree; the balances
    are listed in `file_order` in the file (a HashMap does not keep it)."""
    depth = len(balances).bit_length() - 1
    order = file_order or list(balances[0])
    row: list[BitunixNode] = []
    for i, b in enumerate(balances):
        listed = {k: b[k] for k in order}  # fastjson fills the HashMap in the file's order
        row.append((h(f"uid{i},nonce{i},{java_map(listed).written()}"), listed, depth + 1))
    rows = [row]
    while len(rows[-1]) > 1:
        parents = []
        for left, right in zip(rows[-1][::2], rows[-1][1::2], strict=True):
            sums = JavaHashMap()
            for k in java_map(left[1]).order():
                total = Decimal(left[1][k]) + Decimal(right[1][k])
                scale = Decimal(1).scaleb(-precisions[k])
                sums.put(k, format(total.quantize(scale, rounding=ROUND_DOWN), "f"))
            height = left[2] - 1
            leaf = h(f"{left[0]}{right[0]},{sums.written()},{height}")
            parents.append((leaf, {k: v for chain in sums.chains for k, v in chain}, height))
        rows.append(parents)

    def entry(node: BitunixNode, typ: int) -> dict[str, Any]:
        listed = {k: node[1][k] for k in order}
        return {"type": typ, "height": node[2], "balances": listed, "merkleLeaf": node[0]}

    path, at = [], index
    for row in rows[:-1]:
        path.append(entry(row[at ^ 1], 2 if at % 2 == 0 else 1))
        at //= 2
    path[0] |= {"nonce": f"nonce{index ^ 1}", "encryptUid": f"uid{index ^ 1}"}
    path.append(entry(rows[-1][0], 3))
    own = entry(rows[0][index], 1 if index % 2 == 0 else 2)
    own |= {"nonce": f"nonce{index}", "encryptUid": f"uid{index}", "precisions": dict(precisions)}
    return {"path": path, "self": own}


# --- coinex -------------------------------------------------------------------------
CoinexNode = tuple[str, dict[str, Decimal]]


def go_json(b: dict[str, Decimal]) -> str:
    """json.Marshal of map[string]decimal.Decimal: sorted keys, quoted String()."""
    return "{" + ",".join(f'"{k}":"{strip(b[k])}"' for k in sorted(b)) + "}"


def coinex(balances: list[dict[str, str]], index: int, *, odd: str = "twice") -> dict[str, Any]:
    """merkle_proof_file.json for customer `index` of a tree of any number of leaves.
    A last node without a right neighbour is hashed with itself (odd="twice", CoinEx's
    published rule) or with an empty hash (odd="empty", as CoinEx's example was made)."""
    row: list[CoinexNode] = []
    for i, b in enumerate(balances):
        values = {k: Decimal(v) for k, v in b.items()}
        row.append((h(f"{i:064x}" + go_json(values)), values))
    path: list[dict[str, Any]] = []
    at = index
    while len(row) > 1:
        parents: list[CoinexNode] = []
        for i in range(0, len(row), 2):
            left = row[i]
            if i + 1 == len(row):
                twin = left[0] if odd == "twice" else ""
                parents.append((h(left[0] + twin + go_json(left[1])), left[1]))
                continue
            right = row[i + 1]
            sums = dict(left[1])
            for k, v in right[1].items():
                sums[k] = sums.get(k, Decimal(0)) + v
            parents.append((h(left[0] + right[0] + go_json(sums)), sums))
        if at ^ 1 >= len(row):
            path.append({})
        else:
            sib = row[at ^ 1]
            path.append(
                {
                    "balances": {k: strip(v) for k, v in sib[1].items()},
                    "hash": sib[0],
                    "pos": "left" if at % 2 else "right",
                }
            )
        row, at = parents, at // 2
    top = row[0]
    return {
        "root": {"balances": {k: strip(v) for k, v in top[1].items()}, "hash": top[0]},
        "self": {"balances": dict(balances[index]), "nonce": f"{index:064x}"},
        "path": path,
    }


# The zk proof-of-solvency family (Binance, Gate, HTX): the leaf, asset commitment and
# path written from the vendors' definitions (issue 14); Poseidon itself is
# verifier/tree/poseidon.py, checked against circomlibjs in test_zk_poseidon.py.


def zk_pack(values: list[int]) -> list[int]:
    """Three 64-bit values per field element, a || b || c, zeros after the last value."""
    out = []
    for i in range(0, len(values), 3):
        a, b, c = [*values[i : i + 3], 0, 0][:3]
        out.append(a * 2**128 + b * 2**64 + c)
    return out


def zk_binance_slots(assets: list[tuple[int, list[int]]]) -> list[list[int]]:
    """Binance's padded slots [Index, Equity, Debt, Loan, Margin, PortfolioMargin]: the
    tier is 50 or 500; empty slots take the smallest indexes missing below the last
    asset's, as many as the tier leaves room for, and then the indexes after it."""
    tier = 50 if len(assets) <= 50 else 500
    have = {i for i, _ in assets}
    last = max(have, default=-1)
    gaps = [j for j in range(last) if j not in have][: tier - len(assets)]
    rows = sorted([[j, 0, 0, 0, 0, 0] for j in gaps] + [[i, *v] for i, v in assets])
    following = last + 1
    while len(rows) < tier:
        rows.append([following, 0, 0, 0, 0, 0])
        following += 1
    return rows


def zk_root(leaf: int, index: int, siblings: list[int]) -> int:
    node = leaf
    for level, sibling in enumerate(siblings):
        right = (index >> level) % 2 == 1
        node = hash_elements([sibling, node] if right else [node, sibling])
    return node


# The 28 siblings, or what gives them from the leaf's hash (a tree of several
# accounts is built from their leaves first).
ZkSiblings = list[int] | Callable[[int], list[int]]


def zk_file(
    names: dict[str, str], top: dict[str, Any], leaf: list[int], siblings: ZkSiblings
) -> dict[str, Any]:
    """The customer file: `top` (already under the vendor's names) with the root and the
    28 siblings as the vendor writes them (hex, base64)."""
    index = top[names["index"]]
    leaf_hash = hash_elements(leaf)
    siblings = siblings(leaf_hash) if callable(siblings) else siblings
    root = zk_root(leaf_hash, index, siblings)
    proof = [base64.b64encode(s.to_bytes(32, "big")).decode() for s in siblings]
    return top | {names["root"]: f"{root:064x}", names["proof"]: proof}


BINANCE_ZK = {"index": "AccountIndex", "root": "Root", "proof": "Proof"}
GATE_ZK = {"index": "Arrangement", "root": "TreeRootHash", "proof": "MerkleProofEncode"}


def zk_binance(
    account: int,
    index: int,
    totals: list[int],
    assets: list[tuple[int, list[int]]],
    siblings: ZkSiblings,
) -> dict[str, Any]:
    flat = [v for row in zk_binance_slots(assets) for v in row]
    commitment = hash_elements(zk_pack(flat))
    keys = ("Equity", "Debt", "Loan", "Margin", "PortfolioMargin")
    top = {
        "AccountIndex": index,
        "AccountIdHash": f"{account:064x}",
        "TotalEquity": totals[0],
        "TotalDebt": totals[1],
        "TotalCollateral": totals[2],
        "Assets": [{"Index": i, **dict(zip(keys, v, strict=True))} for i, v in assets],
    }
    return zk_file(BINANCE_ZK, top, [account, *map(abs, totals), commitment], siblings)


def zk_gate(
    account: int,
    index: int,
    totals: list[int],
    assets: list[tuple[int, int, int]],
    siblings: ZkSiblings,
) -> dict[str, Any]:
    slots = [[0, 0] for _ in range(800)]
    for i, equity, debt in assets:
        slots[i] = [equity, debt]
    commitment = hash_elements(zk_pack([v for s in slots for v in s]))
    top = {
        "Arrangement": index,
        "UniqueIdentification": f"{account:064x}",
        "TotalAssetEquity": totals[0],
        "TotalAssetDebt": totals[1],
        "AssetDetails": [{"Index": i, "Equity": e, "Debt": d} for i, e, d in assets],
    }
    return zk_file(GATE_ZK, top, [account, *map(abs, totals), commitment], siblings)


def zk_htx(
    account: int, index: int, totals: list[int], assets: list[tuple[int, int]], siblings: ZkSiblings
) -> dict[str, Any]:
    """HTX: 174 slots of one signed balance, each hashed by its magnitude."""
    slots = [0] * 174
    for i, balance in assets:
        slots[i] = abs(balance)
    top = {
        "AccountIndex": index,
        "AccountIdHash": f"{account:064x}",
        "TotalEquity": totals[0],
        "TotalDebt": totals[1],
        "Assets": [{"Index": i, "Balance": b} for i, b in assets],
    }
    return zk_file(BINANCE_ZK, top, [account, *map(abs, totals), hash_elements(slots)], siblings)


def zk_tree(leaves: list[int], empty: int = 0) -> list[list[int]]:
    """The 28 siblings of each of `leaves`, at indexes 0, 1, ...: a sparse tree whose
    empty leaf is `empty` and whose empty subtrees hash up from it."""
    level, paths = list(leaves), [list[int]() for _ in leaves]
    for depth in range(28):
        if len(level) % 2:
            level.append(empty)
        for i in range(len(leaves)):
            paths[i].append(level[(i >> depth) ^ 1])
        level = [hash_elements(level[j : j + 2]) for j in range(0, len(level), 2)]
        empty = hash_elements([empty, empty])
    return paths
