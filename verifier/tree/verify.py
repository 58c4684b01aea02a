"""Verify one por-mst-v1 inclusion proof: the spec's steps 2 to 6, in order.

The first failure is the verdict, reported with its step and level so that a
customer (or the exchange's support desk) can see exactly what did not add up.
"""

from dataclasses import dataclass, field
from hashlib import sha256

from verifier.tree.proof import InclusionProof
from verifier.tree.spec import LEAF, MAX_VALUE, NODE, account_hash, root_commitment

UNCOMPARED = (
    "the root was not compared with a published commitment: "
    "a proof checked only against itself proves nothing"
)


@dataclass(frozen=True)
class InclusionVerdict:
    """What a customer needs to know about one proof.

    `included` is True only when every step passed; `compared` says whether the
    commitment was checked against a published one (step 6) or could not be.
    """

    format: str
    included: bool
    compared: bool
    failure: str | None = None
    root: str = ""
    warnings: list[str] = field(default_factory=list)


def verify_proof(proof: InclusionProof, published: str | None = None) -> InclusionVerdict:
    """Steps 2-6 of the spec on a proof whose shape (step 1) the model already checked."""
    failure = _first_failure(proof)
    if failure is None and published is not None and published.lower() != proof.root_commitment:
        failure = (
            "step 6 (published commitment): the proof's root_commitment "
            f"{proof.root_commitment} is not the published {published.lower()}"
        )
    return InclusionVerdict(
        format=proof.format,
        included=failure is None,
        compared=published is not None,
        failure=failure,
        root=proof.root_commitment,
        warnings=[] if published is not None else [UNCOMPARED],
    )


def _first_failure(p: InclusionProof) -> str | None:
    symbols = [a.symbol for a in p.assets]
    sums = [int(b) for b in p.balances]
    for symbol, v in zip(symbols, sums, strict=True):
        if v >= MAX_VALUE:
            return f"step 2 (leaf): balance of {symbol} is 2^128 or more"
    # The leaf is always recomputed from its preimage: a leaf hash is never trusted.
    cur_enc = b"".join(v.to_bytes(16, "big") for v in sums)
    cur = sha256(LEAF + bytes.fromhex(p.nonce) + account_hash(p.account_id) + cur_enc).digest()
    index = p.index
    for level, sib in enumerate(p.siblings):
        sib_sums = [int(s) for s in sib.sums]
        for symbol, v in zip(symbols, sib_sums, strict=True):
            if v >= MAX_VALUE:
                return f"step 3 (path), level {level}: sibling sum of {symbol} is 2^128 or more"
        sib_enc = b"".join(v.to_bytes(16, "big") for v in sib_sums)
        sib_hash = bytes.fromhex(sib.hash)
        if (index >> level) & 1:
            cur = sha256(NODE + sib_hash + sib_enc + cur + cur_enc).digest()
        else:
            cur = sha256(NODE + cur + cur_enc + sib_hash + sib_enc).digest()
        sums = [a + b for a, b in zip(sums, sib_sums, strict=True)]
        for symbol, v in zip(symbols, sums, strict=True):
            if v >= MAX_VALUE:
                return f"step 3 (path), level {level + 1}: sum of {symbol} is 2^128 or more"
        cur_enc = b"".join(v.to_bytes(16, "big") for v in sums)
    if cur.hex() != p.root.hash:
        return (
            f"step 4 (root): the path leads to root hash {cur.hex()}, "
            f"not the proof's root.hash {p.root.hash}"
        )
    root_sums = [int(s) for s in p.root.sums]
    if root_sums != sums:
        for symbol, got, claimed in zip(symbols, sums, root_sums, strict=True):
            if got != claimed:
                return (
                    f"step 4 (root): the path sums {symbol} to {got}, "
                    f"not the proof's root sum {claimed}"
                )
    commitment = root_commitment(p.snapshot_id, p.height, p.assets, cur, cur_enc)
    if commitment.hex() != p.root_commitment:
        return (
            f"step 5 (commitment): snapshot_id, height, assets and root commit to "
            f"{commitment.hex()}, not the proof's root_commitment {p.root_commitment}"
        )
    return None
