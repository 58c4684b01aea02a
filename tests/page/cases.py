"""Proofs for the page's differential test: valid ones from real and synthetic trees,
and every kind of tampering the Python verifier's tests apply, drawn at random.

A Case is what a customer hands the page: the proof file's bytes and either a pasted
commitment, a picked root.json, or nothing.
"""

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from verifier.tree.spec import enc, leaf_hash, node_hash, root_commitment

Proof = dict[str, Any]
MAX = 1 << 128


@dataclass(frozen=True)
class Case:
    label: str
    proof: bytes
    commitment: str | None = None
    root: bytes | None = None


@dataclass(frozen=True)
class Source:
    """A valid proof and what its exchange published."""

    proof: Proof
    commitment: str
    root_json: bytes | None  # None for synthetic trees that have no root.json


def dump(proof: Any) -> bytes:
    """As `por tree proof` writes a proof; text that UTF-8 cannot hold (a lone
    surrogate) is written as a \\u escape instead, as a hand-edited file might have it."""
    try:
        return json.dumps(proof, indent=2, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(proof, indent=2).encode()


def synthetic(
    rng: random.Random, height: int, assets: list[tuple[str, int]], account_id: str, snapshot: str
) -> Source:
    """A proof for one leaf at a random index of a tree whose other subtrees are random:
    reaches shapes a built tree of test size cannot (height 64, indexes above 2^53,
    sums near 2^128)."""
    k = len(assets)
    index = rng.randrange(1 << height)
    big = rng.random() < 0.3
    balances = [
        rng.randrange(1 << 126) if big else rng.randrange(10 ** rng.randint(0, 20))
        for _ in range(k)
    ]
    nonce = rng.randbytes(32)
    cur, sums = leaf_hash(account_id, nonce, balances), balances
    siblings = []
    for level in range(height):
        room = [MAX - 1 - s for s in sums]
        sib_sums = [
            0 if rng.random() < 0.3 else rng.randrange(min(r, 10**24) // height + 1) for r in room
        ]
        sib = rng.randbytes(32)
        if (index >> level) & 1:
            cur = node_hash(sib, enc(sib_sums), cur, enc(sums))
        else:
            cur = node_hash(cur, enc(sums), sib, enc(sib_sums))
        sums = [a + b for a, b in zip(sums, sib_sums, strict=True)]
        siblings.append({"hash": sib.hex(), "sums": [str(v) for v in sib_sums]})
    commitment = root_commitment(snapshot, height, assets, cur, enc(sums)).hex()
    proof = {
        "format": "por-mst-v1",
        "snapshot_id": snapshot,
        "height": height,
        "assets": [{"symbol": s, "decimals": d} for s, d in assets],
        "account_id": account_id,
        "nonce": nonce.hex(),
        "balances": [str(v) for v in balances],
        "index": index,
        "siblings": siblings,
        "root": {"hash": cur.hex(), "sums": [str(v) for v in sums]},
        "root_commitment": commitment,
    }
    return Source(proof, commitment, None)


def flip_hex(h: str, rng: random.Random) -> str:
    at = rng.randrange(len(h))
    return h[:at] + rng.choice([c for c in "0123456789abcdef" if c != h[at]]) + h[at + 1 :]


def _paths(p: Proof) -> dict[str, list[tuple[Any, ...]]]:
    k, h = len(p["assets"]), p["height"]
    return {
        "hash": [("nonce",), ("root", "hash"), ("root_commitment",)]
        + [("siblings", lv, "hash") for lv in range(h)],
        "sum": [("balances", j) for j in range(k)]
        + [("root", "sums", j) for j in range(k)]
        + [("siblings", lv, "sums", j) for lv in range(h) for j in range(k)],
    }


def _set(p: Proof, path: tuple[Any, ...], value: Any) -> Proof:
    q = copy.deepcopy(p)
    target = q
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return q


def _get(p: Proof, path: tuple[Any, ...]) -> Any:
    for key in path:
        p = p[key]
    return p


# Each mutation takes a valid proof and returns a tampered one (a dict, or raw bytes).
Mutation = Callable[[random.Random, Proof], Proof | bytes]

NOT_CANONICAL = ["-5", "+5", "1e3", "05", "5.0", "-0", "\u0665", " 5", "5 ", "0x5", "", "1" * 79]
NOT_STRINGS = [5, 5.0, None, True, [], {}]
BAD_INTS = ["6", 6.5, 1e1, True, None, -1, [], "NaN"]


def m_hash(rng: random.Random, p: Proof) -> Proof:
    path = rng.choice(_paths(p)["hash"])
    return _set(p, path, flip_hex(_get(p, path), rng))


def m_sum(rng: random.Random, p: Proof) -> Proof:
    path = rng.choice(_paths(p)["sum"])
    value = int(_get(p, path))
    delta = 1 if value == 0 else rng.choice([1, -1])
    return _set(p, path, str(value + delta))


def m_range(rng: random.Random, p: Proof) -> Proof:
    path = rng.choice(_paths(p)["sum"])
    return _set(p, path, str(MAX + rng.choice([0, 0, 1, 10**30])))


def m_overflow_on_path(rng: random.Random, p: Proof) -> Proof:
    q = copy.deepcopy(p)
    level, j = rng.randrange(p["height"]), rng.randrange(len(p["assets"]))
    q["siblings"][level]["sums"][j] = str(MAX - 1 - rng.randrange(3))
    return q


def m_index(rng: random.Random, p: Proof) -> Proof:
    h = p["height"]
    choice = rng.random()
    if choice < 0.6:
        return _set(p, ("index",), p["index"] ^ (1 << rng.randrange(h)))
    if choice < 0.8:
        return _set(p, ("index",), (1 << h) + rng.randrange(1 << h))  # does not fit
    return _set(p, ("index",), rng.choice(BAD_INTS))


def m_path_length(rng: random.Random, p: Proof) -> Proof:
    q = copy.deepcopy(p)
    if rng.random() < 0.5 and q["height"] > 1:
        q["siblings"].pop()
        if rng.random() < 0.5:  # a consistent shorter shape: a wrong root, not malformed
            q["height"] -= 1
            q["index"] %= 1 << q["height"]
    else:
        q["siblings"].append(copy.deepcopy(q["siblings"][-1]))
        if rng.random() < 0.5 and q["height"] < 64:
            q["height"] += 1
    return q


def m_height(rng: random.Random, p: Proof) -> Proof:
    return _set(p, ("height",), rng.choice([p["height"] - 1, p["height"] + 1, 0, 65, *BAD_INTS]))


def m_assets(rng: random.Random, p: Proof) -> Proof:
    q = copy.deepcopy(p)
    k = len(q["assets"])
    what = rng.randrange(7)
    if what == 0 and k > 1:
        i, j = rng.sample(range(k), 2)
        q["assets"][i], q["assets"][j] = q["assets"][j], q["assets"][i]
    elif what == 1:
        a = rng.choice(q["assets"])
        a["decimals"] = rng.choice([d for d in (0, 2, 6, 8, 18, 36) if d != a["decimals"]])
    elif what == 2:
        rng.choice(q["assets"])["decimals"] = rng.choice([37, -1, "8", 8.0, None])
    elif what == 3:
        rng.choice(q["assets"])["symbol"] = rng.choice(["USDC", "€", "x" * 33, "é" * 17, "", 5])
    elif what == 4:
        q["assets"] = rng.choice([[], {}, None])
    elif what == 5:
        rng.choice(q["assets"])["extra"] = 1
    else:
        q["assets"].append({"symbol": "NEW", "decimals": 2})
    return q


def m_snapshot(rng: random.Random, p: Proof) -> Proof:
    return _set(
        p, ("snapshot_id",), rng.choice([p["snapshot_id"] + "x", "", "snapshot-ü", 7, None])
    )


def m_account(rng: random.Random, p: Proof) -> Proof:
    other = ["mallory", p["account_id"] + " ", "日本", "\U0001f600", "\ud800", "\udc00x", None, 1]
    return _set(p, ("account_id",), rng.choice(other))


def m_integer_text(rng: random.Random, p: Proof) -> Proof:
    path = rng.choice(_paths(p)["sum"])
    return _set(p, path, rng.choice(NOT_CANONICAL + NOT_STRINGS))


def m_hex_text(rng: random.Random, p: Proof) -> Proof:
    path = rng.choice(_paths(p)["hash"])
    h = _get(p, path)
    return _set(p, path, rng.choice([h.upper(), h[:-2], h + "00", "0x" + h[2:], "", 5, None]))


def m_structure(rng: random.Random, p: Proof) -> Proof:
    q = copy.deepcopy(p)
    what = rng.randrange(9)
    if what == 0:
        q.pop(rng.choice(list(q)))
    elif what == 1:
        q[rng.choice(["extra", "leaf_hash", "Index"])] = 1
    elif what == 2:
        q["format"] = rng.choice(["por-mst-v2", "", None, 1])
    elif what == 3:
        q["balances"].pop() if rng.random() < 0.5 else q["balances"].append("0")
    elif what == 4:
        q["siblings"][rng.randrange(q["height"])]["sums"].append("0")
    elif what == 5:
        q["root"]["sums"].pop()
    elif what == 6:
        q["siblings"][rng.randrange(q["height"])] = rng.choice(["x", None, [], {"hash": "00" * 32}])
    elif what == 7:
        q["root"] = rng.choice([[], None, {"hash": q["root"]["hash"]}])
    else:
        q["siblings"][rng.randrange(q["height"])]["extra"] = "x"
    return q


def m_bytes(rng: random.Random, p: Proof) -> bytes:
    raw = dump(p)
    what = rng.randrange(7)
    if what == 0:
        return raw[: rng.randrange(len(raw))]  # truncated file
    if what == 1:
        return b"\xef\xbb\xbf" + raw  # byte order mark
    if what == 2:
        return raw.replace(b'"account_id": "', b'"account_id": "\xff', 1)  # not UTF-8
    if what == 3:
        return rng.choice([b"", b"[]", b"null", b'"proof"', b"{not json", raw + b" x", raw + b","])
    if what == 4:  # a number where JSON.parse would lose precision or type
        return raw.replace(b'"index": ', b'"index": 1' + b"0" * rng.randint(16, 30), 1)
    if what == 5:
        return raw.replace(
            b'"index": ', b'"index": 9007199254740993, "index": ', 1
        )  # duplicate key
    return raw.replace(
        b'"height": ', rng.choice([b'"height": NaN, "x": ', b'"height": -Infinity, "x": ']), 1
    )


# Keys whose repr() (how the CLI quotes a key written twice) takes every rule of Python's:
# the other quote, escapes, and characters str.isprintable() refuses or keeps.
ODD_KEYS = [
    "it's",
    'say "hi"',
    "both ' and \"",
    "tab\there",
    "back\\slash",
    "é",
    "\u200b",
    "\U0001f600",
    "\x7f",
    "\x85",
    "\u2028",
    "\ud800",
    " ",
    "\u3000",
    "\ue000",
]


def _key(key: str) -> str:
    """A key as JSON text, in UTF-8 where it can be (a lone surrogate only as an escape)."""
    try:
        key.encode()
        return json.dumps(key, ensure_ascii=False)
    except UnicodeEncodeError:
        return json.dumps(key)


def dump_with(p: Any, at: tuple[Any, ...], members: list[tuple[str, str]], place: int) -> bytes:
    """The proof as one line of JSON, with `members` (key, value as JSON text) written
    into the object at path `at` before its member number `place`: a key can be there
    twice, which json.dumps cannot write."""

    def dump(v: Any, here: tuple[Any, ...]) -> str:
        if isinstance(v, dict):
            items = [f"{_key(k)}:{dump(x, (*here, k))}" for k, x in v.items()]
            if here == at:
                at_place = min(place, len(items))
                items[at_place:at_place] = [f"{_key(k)}:{x}" for k, x in members]
            return "{" + ",".join(items) + "}"
        if isinstance(v, list):
            return "[" + ",".join(dump(x, (*here, i)) for i, x in enumerate(v)) + "]"
        return json.dumps(v, ensure_ascii=False)

    try:
        return dump(p, ()).encode()
    except UnicodeEncodeError:  # a lone surrogate in a value: as escapes throughout
        return dump(json.loads(json.dumps(p)), ()).encode("utf-8", "surrogatepass")


def m_duplicate(rng: random.Random, p: Proof) -> bytes:
    """A key written twice in one object (the CLI refuses the file, naming the key): one
    of the object's own, or an odd one, with its value or another, anywhere in it."""
    objects: list[tuple[Any, ...]] = [(), ("root",)]
    objects += [("assets", i) for i in range(len(p["assets"]))]
    objects += [("siblings", lv) for lv in range(p["height"])]
    at = rng.choice(objects)
    target = _get(p, at)
    value = rng.choice(["0", '"x"', "null", "[]", "{}", "1.5"])
    if rng.random() < 0.6:
        key = rng.choice(list(target))
        own = json.dumps(target[key], ensure_ascii=False)
        members = [(key, rng.choice([own, value]))]
    else:
        key = rng.choice(ODD_KEYS)
        members = [(key, value), (key, rng.choice([value, "1"]))]
    return dump_with(p, at, members, rng.randrange(len(target) + 1))


MUTATIONS: list[Mutation] = [
    m_hash,
    m_sum,
    m_range,
    m_overflow_on_path,
    m_index,
    m_path_length,
    m_height,
    m_assets,
    m_snapshot,
    m_account,
    m_integer_text,
    m_hex_text,
    m_structure,
    m_bytes,
    m_duplicate,
]


def published_for(rng: random.Random, src: Source) -> dict[str, Any]:
    """How the customer gives the published commitment: pasted (sometimes wrong or in
    capitals), from root.json, or not at all."""
    r = rng.random()
    if r < 0.55:
        return {"commitment": src.commitment}
    if r < 0.65 and src.root_json is not None:
        return {"root": src.root_json if rng.random() < 0.8 else bad_root(rng, src.root_json)}
    if r < 0.75:
        return {"commitment": None}
    if r < 0.85:
        return {"commitment": flip_hex(src.commitment, rng)}
    if r < 0.93:
        return {"commitment": rng.choice([src.commitment.upper(), f"  {src.commitment}\n"])}
    return {"commitment": rng.choice([src.commitment[:-1], "0x" + src.commitment[2:], "zz" * 32])}


def bad_root(rng: random.Random, raw: bytes) -> bytes:
    """A published root.json with one thing wrong: the CLI refuses it before the proof."""
    root = json.loads(raw)
    what = rng.randrange(17)
    if what == 0:
        root.pop(rng.choice([k for k in root if k != "format"]))
    elif what == 1:
        root["extra"] = 1
    elif what == 2:
        root["root_commitment"] = root["root_commitment"].upper()
    elif what == 3:
        root["assets"][0]["symbol"] = "é" * 17
    elif what == 4:
        root["account_count"] = rng.choice([-1, "3", 2.5])
    elif what == 5:
        root["height"] = rng.choice([0, 65, "4"])
    elif what == 6:
        root["format"] = "por-mst-v0"
    elif what == 7:
        return raw[: len(raw) // 2]
    elif what == 8:  # the faults across fields of TreeRoot.problems(), in its order
        root["assets"] = (
            [root["assets"][0]] * len(root["assets"]) if len(root["assets"]) > 1 else []
        )
    elif what == 9:
        root["root"]["sums"].append(rng.choice(["0", "5"]))
    elif what == 10:
        root["root"]["sums"][-1] = str(MAX + rng.choice([0, 7]))
    elif what == 11:
        root["account_count"] = (1 << root["height"]) + rng.choice([1, 1000])
    elif what == 12:
        root["root"]["sums"][0] = rng.choice(["01", "-1", "1e3", 5, None, "it's", "", "x\ty"])
    elif what == 13:
        root["snapshot_id"] = ""
    elif what == 14:  # a key twice, NaN: the CLI's reader refuses them in its own words
        return dump_with(root, (), [("height", rng.choice(["1", str(root["height"])]))], 99)
    elif what == 15:
        return raw.replace(
            b'"height": ', rng.choice([b'"height": NaN, "x": ', b'"x": Infinity, "height": ']), 1
        )
    else:  # what a spreadsheet writes (accepted: a byte-order mark), or not UTF-8 at all
        return rng.choice(
            [b"\xef\xbb\xbf" + raw, raw.replace(b'"snapshot_id": "', b'"snapshot_id": "\xc3(', 1)]
        )
    return dump(root)


def generate(rng: random.Random, sources: list[Source], n: int) -> list[Case]:
    """n cases: about one in five valid, the rest tampered (with every mutation often)."""
    cases = []
    for i in range(n):
        src = rng.choice(sources)
        how = published_for(rng, src)
        if rng.random() < 0.2:
            label, data = "valid", dump(src.proof)
        else:
            mutation = MUTATIONS[i % len(MUTATIONS)]
            out = mutation(rng, src.proof)
            label = mutation.__name__
            data = out if isinstance(out, bytes) else dump(out)
        cases.append(Case(label, data, **how))
    return cases
