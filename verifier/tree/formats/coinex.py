"""coinex: CoinEx's Merkle sum tree proof (merkle_proof_file.json), as CoinEx's Go
tool defines it (coinexcom/proof-of-reserves @52c6cf457d74, main.go; no licence is
stated there, so only its facts are used).

- leaf h = sha256hex(self.nonce + F(self.balances)) (MerkleProof.Validate);
- F(b) = Go's json.Marshal of a map[string]decimal.Decimal: keys sorted, each value a
  JSON string holding shopspring decimal's String(), trailing zeros stripped, zero
  "0" (Balance.Format; shopspring/decimal v1.3.1 per go.mod);
- for each path entry in order: an entry whose hash is "" (written `{}`, "no right
  node") gives h = sha256hex(h + h + F(b)), b unchanged; any other adds its balances
  to b (a union of the assets, Balance.Add) and gives sha256hex(hash + h + F(b)) when
  its pos is "left", sha256hex(h + hash + F(b)) otherwise;
- h must be root.hash, then b must equal root.balances: the same assets, equal
  values (Balance.Equal); root.hash "" or an empty path is refused (main).

Stricter than CoinEx's tool: pos is "left" or "right"; an entry without a hash has
neither balances nor pos (CoinEx's tool ignores them); balances are JSON strings or
numbers of at most 80 digits; asset names are printable ASCII that Go writes as is;
keys are spelled as CoinEx's example writes them, in lower case (Go's decoder would
also take "Root" or "HASH").

CoinEx's own example (example/merkle_proof_file.json at that commit) does NOT verify
under this rule. Its balances are right: the path sums BTC, CET, ETH and USDT to
exactly root.balances. The root hash is what fails: the path leads to 6bf6716d...38af,
not the file's root.hash b272a9a8...7569. The file's root is reached when each entry
without a hash (path.0, .1, .2 and .5) is hashed as sha256hex(h + F(b)), the node and
an empty right hash, instead of sha256hex(h + h + F(b)), the node twice, as CoinEx's
verifier does: the example was made by a tree builder with another rule for an odd
node than the one CoinEx publishes. The first step that differs is therefore path.0,
the first level with no right node. Such a file fails here (exit 1), and the failure
names that step; it is never exit 0.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from hashlib import sha256
from typing import Any

from verifier.errors import InputError
from verifier.tree.formats import decimals, source
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import NEGATIVES_ALLOWED, SUM_ONLY, Verdict, conclude

NAME = "coinex"
TAKES_TREE = False
REQUIRED: tuple[str, ...] = ("root.hash", "root.balances", "self.balances", "self.nonce", "path")
# Go's encoder escapes ", \, <, > and & in a key: such names are refused, not guessed.
ASSET = re.compile(r"[\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\x7e]{1,64}")
WEAKNESSES = [
    SUM_ONLY,
    NEGATIVES_ALLOWED,
    "no height or position is hashed, and a leaf (nonce + balances) is hashed like a "
    "node (two hashes + sums): a node can pass for a leaf whose nonce is its children's "
    "hashes, so the path's length does not prove the tree's depth",
    "the leaf binds a nonce and balances, not your account: the file cannot show the leaf is yours",
    "CoinEx's own example does not verify under CoinEx's published rule (a level with no "
    "right node was hashed without the node's hash twice): which rule CoinEx's tree builder "
    "applies is not published",
]


@dataclass(frozen=True)
class Entry:
    hash: str  # "" for a level with no right node
    left: bool
    balances: dict[str, Decimal]
    where: str


def detect(doc: Doc) -> bool:
    return source.lacking(doc, REQUIRED) == []


def written(b: dict[str, Decimal]) -> str:
    """json.Marshal of a map[string]decimal.Decimal: sorted keys, String() in quotes."""
    return "{" + ",".join(f'"{k}":"{decimals.stripped(b[k])}"' for k in sorted(b)) + "}"


def h(text: str) -> str:
    return sha256(text.encode()).hexdigest()


def _balances(doc: Doc, raw: Any, field: str) -> dict[str, Decimal]:
    table = source.obj(doc, raw, field)
    out = {}
    for asset, value in table.items():
        if not ASSET.fullmatch(asset):
            raise InputError(doc.source, field, f"asset name {asset!r} not supported")
        if not isinstance(value, str):  # Num, the project's exact JSON number, is a str
            raise InputError(doc.source, f"{field}.{asset}", "not a decimal string or number")
        out[asset] = decimals.parse(value, doc.source, f"{field}.{asset}")
    return out


def _entry(doc: Doc, raw: Any, i: int) -> Entry:
    field = f"path.{i}"
    e = source.obj(doc, raw, field)
    if e.get("hash", "") == "":
        extra = sorted(k for k in e if k != "hash")
        if extra:
            raise InputError(
                doc.source,
                f"{field}.{extra[0]}",
                "given in an entry without a hash (no right node)",
            )
        return Entry("", False, {}, field)
    pos = e.get("pos")
    if pos not in ("left", "right"):
        raise InputError(doc.source, f"{field}.pos", 'not "left" or "right"')
    return Entry(
        hash=source.hexstr(doc, e.get("hash"), f"{field}.hash", 64),
        left=pos == "left",
        balances=_balances(doc, e.get("balances"), f"{field}.balances"),
        where=field,
    )


def verify(doc: Doc, request: Request) -> Verdict:
    top = source.obj(doc, doc.value, "(top level)")
    root = source.obj(doc, top.get("root"), "root")
    root_hash = source.hexstr(doc, root.get("hash"), "root.hash", 64)
    root_balances = _balances(doc, root.get("balances"), "root.balances")
    own = source.obj(doc, top.get("self"), "self")
    mine = _balances(doc, own.get("balances"), "self.balances")
    nonce = source.text(doc, own.get("nonce"), "self.nonce")
    path = [_entry(doc, e, i) for i, e in enumerate(source.arr(doc, top.get("path"), "path"))]
    negatives = [
        f"{where}: {a} {decimals.plain(v)}"
        for where, b in [
            ("self", mine),
            *((e.where, e.balances) for e in path),
            ("root", root_balances),
        ]
        for a, v in b.items()
        if v < 0
    ]
    reached, sums = climb(nonce, mine, path, twice=True, negatives=negatives)
    failure = None
    if reached != root_hash.lower():
        failure = f"root (root.hash): the path leads to hash {reached}, not the file's root hash {root_hash}"
        failure += _other_rule(nonce, mine, path, root_hash.lower())
    elif set(sums) != set(root_balances):
        failure = (
            f"root (root.balances): the path sums {', '.join(sorted(sums))}, "
            f"the root lists {', '.join(sorted(root_balances))}"
        )
    else:
        for a in sorted(sums):
            if sums[a] != root_balances[a]:
                failure = (
                    f"root (root.balances): the path sums {a} to {decimals.stripped(sums[a])}, "
                    f"not the file's root balance {decimals.plain(root_balances[a])}"
                )
                break
    return conclude(
        NAME,
        failure=failure,
        root=reached,
        published=request.published,
        weaknesses=WEAKNESSES,
        negatives=negatives,
        balances={a: decimals.plain(v) for a, v in sorted(mine.items())},
    )


def climb(
    nonce: str,
    mine: dict[str, Decimal],
    path: list[Entry],
    *,
    twice: bool,
    negatives: list[str] | None = None,
) -> tuple[str, dict[str, Decimal]]:
    """The hash and sums the path reaches; `twice`: CoinEx's rule for a level with no
    right node (the node hashed twice), else the node and an empty hash."""
    b = dict(mine)
    cur = h(nonce + written(b))
    for height, e in enumerate(path, 2):
        if not e.hash:
            cur = h(cur + (cur if twice else "") + written(b))
            continue
        for a, v in e.balances.items():
            b[a] = decimals.add(b[a], v) if a in b else v
        if negatives is not None:
            negatives += [
                f"the node computed at height {height}: {a} {decimals.stripped(v)}"
                for a, v in b.items()
                if v < 0
            ]
        cur = h(e.hash + cur + written(b)) if e.left else h(cur + e.hash + written(b))
    return cur, b


def _other_rule(nonce: str, mine: dict[str, Decimal], path: list[Entry], root: str) -> str:
    """Why CoinEx's own example fails: it was made by another rule for a level with no
    right node. Said when that rule reaches the root; the verdict stays a failure."""
    empty = [e.where for e in path if not e.hash]
    if not empty or climb(nonce, mine, path, twice=False)[0] != root:
        return ""
    return (
        f"; the first step that differs is {empty[0]}, a level with no right node "
        f"({', '.join(empty)}): the file's root is reached only if such a level is hashed "
        "as sha256(node + sums), not as CoinEx's rule says, sha256(node + node + sums), "
        "so the file was made by another rule than the one CoinEx's verifier applies"
    )
