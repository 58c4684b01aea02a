"""bybit: Bybit's Merkle sum tree proof, as Bybit's Java tool defines it
(bybit-exchange/merkle-proof, GenericMerkleTree and Path).

leaf = sha256Hex(userHash + every balance string, in order); parent =
sha256Hex(left + right + every sum + height), each sum set to scale 8 rounded down
and written with BigDecimal.toPlainString (trailing zeros kept: zero is
"0.00000000"); heights count up from 2. Bybit has changed its asset list many
times (Balance20, 32, 40, 40V2...), always in the order its file writes the
keys, so the order is taken from the file's `self.balance`, never from a list here.
The first format (com.bybit.merkle.MerkleTree) is the exception: exactly BTC, ETH,
USDT and USDC, always hashed in that order, USDT and USDC sums at scale 4.
"""

from collections.abc import Callable
from decimal import Decimal
from hashlib import sha256

from verifier.errors import InputError
from verifier.tree.formats import decimals, source, typed_path
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import (
    NEGATIVES_ALLOWED,
    ROUNDED_DOWN,
    SUM_ONLY,
    Verdict,
    conclude,
)

NAME = "bybit"
TAKES_TREE = False
REQUIRED: tuple[str, ...] = (
    "path",
    "self.balance",
    "self.hash",
    "self.type",
    "self.height",
    "self.userHash",
)
FIRST_FORMAT = {"BTC": 8, "ETH": 8, "USDT": 4, "USDC": 4}
WEAKNESSES = [
    SUM_ONLY,
    NEGATIVES_ALLOWED,
    "the leaf starts from userHash, given without its preimage: you cannot tie the leaf "
    "to your own account ID",
    "the asset list changes between audits: an asset missing from this file is not proven",
]


def detect(doc: Doc) -> bool:
    return source.lacking(doc, REQUIRED) == []


def verify(doc: Doc, request: Request) -> Verdict:
    top = source.obj(doc, doc.value, "(top level)")
    own = source.obj(doc, top.get("self"), "self")
    assets = list(source.obj(doc, own.get("balance"), "self.balance"))
    if not assets:
        raise InputError(doc.source, "self.balance", "no assets")
    for i, node in enumerate(source.arr(doc, top.get("path"), "path", min_length=2)):
        keys = source.obj(
            doc, source.obj(doc, node, f"path.{i}").get("balance"), f"path.{i}.balance"
        )
        if set(keys) != set(assets):
            raise InputError(doc.source, f"path.{i}.balance", "its assets differ from self.balance")
    scales = [8] * len(assets)
    if set(assets) == set(FIRST_FORMAT):
        assets, scales = list(FIRST_FORMAT), list(FIRST_FORMAT.values())
    leaf, path = typed_path.entries(doc, "balance", assets)
    user_hash = source.text(doc, own.get("userHash"), "self.userHash")
    computed = sha256((user_hash + "".join(leaf.balances)).encode()).hexdigest()
    if computed != leaf.hash:
        failure: str | None = (
            f"leaf (self): userHash and balances hash to {computed}, not the file's {leaf.hash}"
        )
        result = typed_path.Climb(failure, "", [])
    else:
        rules = typed_path.Rules(
            assets=assets,
            write_sum=[_writer(scale) for scale in scales],
            height_from_file=False,
        )
        result = typed_path.climb(doc, leaf, path, rules)
    return conclude(
        NAME,
        failure=result.failure,
        root=result.root,
        published=request.published,
        weaknesses=[*WEAKNESSES, ROUNDED_DOWN.format(places=min(scales))],
        negatives=result.negatives,
        balances=dict(zip(assets, leaf.balances, strict=True)),
    )


def _writer(scale: int) -> Callable[[Decimal], str]:
    """setScale(scale, RoundingMode.DOWN).toPlainString(): trailing zeros kept."""
    return lambda d: decimals.plain(decimals.round_down(d, scale))
