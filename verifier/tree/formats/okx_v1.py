"""okx-v1: OKX's first Merkle sum tree proof (merkle_proof_file.json), as OKX's Go
tool defines it (okx/proof-of-reserves, common/merkle.go).

leaf = hex(sha256(nonce + '{"BTC":"b","ETH":"e","USDT":"u"}')), the balances as
written; parent = hex(sha256(leftHex + rightHex + BTC + ETH + USDT + height)), each
sum rounded down to 8 decimals and written without trailing zeros; the first parent
has height 2, every later one the sibling's height + 1; the last path entry is the root.
"""

from hashlib import sha256

from verifier.tree.formats import decimals, source, typed_path
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import (
    NEGATIVES_ALLOWED,
    ROUNDED_DOWN,
    SUM_ONLY,
    Verdict,
    conclude,
)

NAME = "okx-v1"
TAKES_TREE = False
# self.nonce is not required: OKX's Go struct reads a missing one as "".
REQUIRED: tuple[str, ...] = ("path", "self.balances", "self.hash", "self.type", "self.height")
ASSETS = ("BTC", "ETH", "USDT")
RULES = typed_path.Rules(
    assets=ASSETS,
    write_sum=[lambda d: decimals.stripped(decimals.round_down(d, 8))] * len(ASSETS),
    height_from_file=True,
)
WEAKNESSES = [
    SUM_ONLY,
    NEGATIVES_ALLOWED,
    ROUNDED_DOWN.format(places=8),
    "only BTC, ETH and USDT are in the tree: every other asset you hold is not proven",
    "the leaf binds a nonce and balances, not your account: the file cannot show the leaf is yours",
]


def detect(doc: Doc) -> bool:
    return source.lacking(doc, REQUIRED) == []


def leaf_text(balances: list[str]) -> str:
    """OKX's Balances.String(): fixed keys and order, the values as written."""
    return "{" + ",".join(f'"{a}":"{b}"' for a, b in zip(ASSETS, balances, strict=True)) + "}"


def verify(doc: Doc, request: Request) -> Verdict:
    leaf, path = typed_path.entries(doc, "balances", ASSETS)
    nonce = doc.value["self"].get("nonce")
    if not isinstance(nonce, str):
        nonce = ""  # the vendor's Go struct reads a missing nonce as ""; the hash check fails
    computed = sha256((nonce + leaf_text(leaf.balances)).encode()).hexdigest()
    if computed != leaf.hash:
        failure: str | None = (
            f"leaf (self): nonce and balances hash to {computed}, not the file's {leaf.hash}"
        )
        result = typed_path.Climb(failure, "", [])
    else:
        result = typed_path.climb(doc, leaf, path, RULES)
    weaknesses = list(WEAKNESSES)
    if isinstance(doc.value["path"][0], dict) and "nonce" in doc.value["path"][0]:
        weaknesses.append(
            "your file carries your neighbour's nonce (path.0): you can check, and link, "
            "another customer's balances"
        )
    return conclude(
        NAME,
        failure=result.failure,
        root=result.root,
        published=request.published,
        weaknesses=weaknesses,
        negatives=result.negatives,
        balances=dict(zip(ASSETS, leaf.balances, strict=True)),
    )
