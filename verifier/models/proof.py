"""The por-mst-v1 inclusion proof file, documented by being its schema.

Typed dicts validated by pydantic-core straight from JSON bytes: a proof has one
node per level, and model instances for each would cost three times the parse
(measured: benchmarks/tree.py). `parse_proof` is the spec's step 1: whatever it
refuses is malformed (exit 2); whatever it returns has the spec's shape, so any
later failure is a failed check (exit 1) with a step and a level.
"""

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, TypeAdapter, with_config
from typing_extensions import TypedDict

from verifier.errors import InputError
from verifier.io.documents import json_adapted
from verifier.models.numbers import Hex32
from verifier.models.numbers import IntegerString as IntStr
from verifier.models.tree import MAX_HEIGHT

# IntStr: plain ASCII digits in a JSON string, no sign, exponent or leading zero.
# Values of 2^128 or more have this shape and fail the range check (exit 1).

_STRICT = ConfigDict(extra="forbid", strict=True)


@with_config(_STRICT)
class Node(TypedDict):
    hash: Hex32
    sums: list[IntStr]


@with_config(_STRICT)
class Asset(TypedDict):
    symbol: Annotated[str, Field(min_length=1, max_length=32)]
    decimals: Annotated[int, Field(ge=0, le=36)]


@with_config(_STRICT)
class Proof(TypedDict):
    """One customer's proof: their leaf's preimage, the path, the root and its commitment."""

    format: Literal["por-mst-v1"]
    snapshot_id: str
    height: Annotated[int, Field(ge=1, le=MAX_HEIGHT)]
    assets: Annotated[list[Asset], Field(min_length=1, max_length=65535)]
    account_id: str
    nonce: Hex32
    balances: list[IntStr]
    index: Annotated[int, Field(ge=0)]
    siblings: list[Node]
    root: Node
    root_commitment: Hex32


PROOF = TypeAdapter(Proof)


def parse_proof(raw: bytes | str, source: str) -> Proof:
    """Step 1 of the spec: the proof's shape, or InputError naming the field."""
    p = json_adapted(raw, source, PROOF)
    problem = _inconsistency(p)
    if problem:
        field, message = problem
        raise InputError(source, field, message)
    return p


def _inconsistency(p: Proof) -> tuple[str, str] | None:
    height, k = p["height"], len(p["assets"])
    if len(p["snapshot_id"].encode()) > 65535:
        return "snapshot_id", "longer than 65535 bytes"
    for i, a in enumerate(p["assets"]):
        if len(a["symbol"].encode()) > 32:
            return f"assets[{i}].symbol", "longer than 32 bytes of UTF-8"
    if len(p["siblings"]) != height:
        return "siblings", f"{len(p['siblings'])} siblings for height {height}"
    if p["index"] >> height:
        return "index", f"{p['index']} does not fit height {height}"
    if len(p["balances"]) != k:
        return "balances", f"{len(p['balances'])} values for {k} assets"
    if len(p["root"]["sums"]) != k:
        return "root.sums", f"{len(p['root']['sums'])} values for {k} assets"
    for level, s in enumerate(p["siblings"]):
        if len(s["sums"]) != k:
            return f"siblings[{level}].sums", f"{len(s['sums'])} values for {k} assets"
    return None
