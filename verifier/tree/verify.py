"""Verify one por-mst-v1 inclusion proof: the spec's steps 2 to 6, in order.

The first failure is the verdict, reported with its step and level so that a
customer (or the exchange's support desk) can see exactly what did not add up.

Speed: the per-asset running sums along the path are prefix sums
(itertools.accumulate) and every value is encoded in one pass, so the loop over
levels does little but slice and hash. Sums only grow along the path (values are
non-negative), so each asset's range check on the final total covers every level.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from hashlib import sha256
from itertools import accumulate, chain, repeat
from typing import Literal

from verifier.models.amounts import format_units
from verifier.models.proof import Proof
from verifier.tree.spec import LEAF, MAX_VALUE, NODE, root_commitment

# The one sentence for a root that was not compared with a published value, in every
# format, in verify-all and in the offline page (verifier/tree/page/verify.js): such a
# verification is inconclusive (exit 2), however well the file checks against itself.
NOT_COMPARED = (
    "the root was not compared with a published value: "
    "a proof checked only against itself proves nothing"
)


@dataclass(frozen=True)
class InclusionVerdict:
    """What a customer needs to know about one proof.

    `included` is True only when every step passed; `compared` says whether the
    commitment was checked against a published one (step 6): without it the proof is
    at best inconclusive (NOT_COMPARED).
    """

    format: str
    included: bool
    compared: bool
    failure: str | None = None
    root: str = ""
    account: str = ""
    balances: dict[str, str] = field(default_factory=dict)  # symbol -> amount, decimals applied


def verify_proof(proof: Proof, published: str | None = None) -> InclusionVerdict:
    """Steps 2-6 of the spec on a proof whose shape (step 1) parse_proof checked."""
    failure = _first_failure(proof)
    if failure is None and published is not None and published.lower() != proof["root_commitment"]:
        failure = (
            "step 6 (published commitment): the proof's root_commitment "
            f"{proof['root_commitment']} is not the published {published.lower()}"
        )
    return InclusionVerdict(
        format=proof["format"],
        included=failure is None,
        compared=published is not None,
        failure=failure,
        root=proof["root_commitment"],
        account=proof["account_id"],
        balances={
            a["symbol"]: format_units(int(b), a["decimals"])
            for a, b in zip(proof["assets"], proof["balances"], strict=True)
        },
    )


def _enc(values: Iterable[int]) -> bytes:
    # map over the builtin method: no Python frame per value on the hottest line
    big: Literal["big"] = "big"
    return b"".join(map(int.to_bytes, values, repeat(16), repeat(big)))


def _first_failure(p: Proof) -> str | None:
    symbols = [a["symbol"] for a in p["assets"]]
    k = len(symbols)
    width = 16 * k
    siblings = p["siblings"]
    height = p["height"]
    balances = list(map(int, p["balances"]))
    for symbol, v in zip(symbols, balances, strict=True):
        if v >= MAX_VALUE:
            return f"step 2 (leaf): balance of {symbol} is 2^128 or more"
    sib_values = list(map(int, chain.from_iterable(s["sums"] for s in siblings)))
    if max(sib_values) >= MAX_VALUE:
        first = next(i for i, v in enumerate(sib_values) if v >= MAX_VALUE)
        return f"step 3 (path), level {first // k}: sibling sum of {symbols[first % k]} is 2^128 or more"
    # running[j][l]: the sum of asset j in the node at level l on the path
    running = [list(accumulate(sib_values[j::k], initial=balances[j])) for j in range(k)]
    for j, column in enumerate(running):
        if column[-1] >= MAX_VALUE:
            level = next(lv for lv, v in enumerate(column) if v >= MAX_VALUE)
            return f"step 3 (path), level {level}: sum of {symbols[j]} is 2^128 or more"
    sib_enc = _enc(sib_values)
    cur_enc = _enc(chain.from_iterable(zip(*running, strict=True)))
    sib_hashes = bytes.fromhex("".join([s["hash"] for s in siblings]))
    # The leaf is always recomputed from its preimage: a leaf hash is never trusted.
    cur = sha256(
        LEAF
        + bytes.fromhex(p["nonce"])
        + sha256(p["account_id"].encode()).digest()
        + cur_enc[:width]
    ).digest()
    index = p["index"]
    for level in range(height):
        at = level * width
        sib = sib_hashes[32 * level : 32 * level + 32] + sib_enc[at : at + width]
        mine = cur + cur_enc[at : at + width]
        cur = sha256(NODE + sib + mine if (index >> level) & 1 else NODE + mine + sib).digest()
    root = p["root"]
    if cur.hex() != root["hash"]:
        return (
            f"step 4 (root): the path leads to root hash {cur.hex()}, "
            f"not the proof's root.hash {root['hash']}"
        )
    for symbol, column, claimed in zip(symbols, running, root["sums"], strict=True):
        if str(column[-1]) != claimed:
            return (
                f"step 4 (root): the path sums {symbol} to {column[-1]}, "
                f"not the proof's root sum {claimed}"
            )
    top = cur_enc[height * width :]
    assets = [(a["symbol"], a["decimals"]) for a in p["assets"]]
    commitment = root_commitment(p["snapshot_id"], height, assets, cur, top)
    if commitment.hex() != p["root_commitment"]:
        return (
            "step 5 (commitment): snapshot_id, height, assets and root commit to "
            f"{commitment.hex()}, not the proof's root_commitment {p['root_commitment']}"
        )
    return None
