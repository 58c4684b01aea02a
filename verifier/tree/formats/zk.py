"""The zk proof-of-solvency family's customer file: what Binance, Gate and HTX share.

Each vendor writes its own field names and its own asset commitment (binance_zk.py,
gate_zk.py, htx_zk.py); the rest is one rule, read in each vendor's verifier (the
`-user` command: binance/zkmerkle-proof-of-solvency @9a3e5b797744 src/verifier/main.go
and src/utils/merkletree/merkletree.go VerifyProof; gateio/proof-of-reserves
@87db18dfda53 service/verify_service/service.go UserVerify and utils/account_tree.go
VerifyMerkleProof; huobiapi/Tool-Go-MerkleVerify @bc0adce0d4f1
merkle_groth16/src/verifier/main.go and merkle_groth16/src/utils/account_tree.go):

- the leaf is Poseidon (verifier/tree/poseidon.py) of the account id hash (32 bytes of
  hex), the totals (Go big.Int, hashed by Bytes(): the magnitude, big-endian) and the
  asset commitment, every one a field element (PoseidonBytes panics otherwise);
- the path has exactly 28 siblings, base64 of 32 bytes each (Gate and HTX check the
  length; Binance does not, we do); bit i of the account index says the side at level
  i + 1: 0 hashes Poseidon(node, sibling), 1 Poseidon(sibling, node);
- the node reached must be the file's root (32 bytes of hex); exit 0 needs it to be the
  published one too (--commitment). The file holds no node between the leaf and the
  root, so the root is the one step that can fail: a wrong value anywhere shows there.

Stricter than the vendors' tools: numbers are JSON integers (Go would also take "1e3" for
a big.Int), every one in its Go type's range; the account index is below 2^28 (Gate and
HTX ignore the bits above); base64 is canonical; a negative total or balance is a failure
(Go's Bytes() hashes its magnitude, so the vendors' tools accept a flipped sign).
"""

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from verifier.errors import InputError
from verifier.io.jsontext import Num
from verifier.tree import poseidon
from verifier.tree.formats import source
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import Verdict, conclude

DEPTH = 28  # AccountTreeDepth in each vendor's utils/constants.go
U16, U32, U64, I64 = (0, 2**16), (0, 2**32), (0, 2**64), (-(2**63), 2**63)

TRUSTS_PROVER = (
    "this file shows only that your leaf (account id hash, totals, asset commitment) is "
    "in the tree with this root: that the tree's totals are the sums of its accounts, that "
    "each account's equity covers its debt and that no balance is negative are proven by "
    "the exchange's batch zk proofs (Groth16), which this command does not check: without "
    "them you trust the exchange's prover"
)
BARE_PATH = (
    "the path's siblings are bare hashes with no sums: the file shows nothing of other "
    "accounts or of the exchange's totals"
)
TOTALS_UNCHECKED = (
    "your totals are values at the exchange's prices, which the file does not carry: "
    "that they match your assets is checked only inside the batch zk proofs"
)
ID_HASH = (
    "the leaf binds an account id hash the exchange made: the file does not show how, so "
    "you cannot recompute it from your own account"
)
MAGNITUDE = (
    "a negative number is hashed as its magnitude (Go's big.Int Bytes()): the vendor's "
    "tool accepts a file whose sign was flipped (this verifier refuses negatives)"
)

# What a customer file of the family cannot show, whichever vendor wrote it.
WEAKNESSES = [TRUSTS_PROVER, BARE_PATH, TOTALS_UNCHECKED, ID_HASH, MAGNITUDE]


@dataclass(frozen=True)
class Fields:
    """A vendor's names for the shared fields."""

    index: str
    account: str
    totals: tuple[str, ...]
    assets: str
    root: str
    proof: str

    @property
    def required(self) -> tuple[str, ...]:
        """Every one is required: the vendors' verifiers read them all."""
        return (self.index, self.account, *self.totals, self.assets, self.root, self.proof)


@dataclass(frozen=True)
class Customer:
    """What the leaf is made of, read from the file."""

    index: int
    account: int
    totals: list[int]
    commitment: int
    root: str
    siblings: list[int]


def number(doc: Doc, value: Any, field: str, bounds: tuple[int, int]) -> int:
    """A JSON integer (never a string, a fraction or an exponent) in [low, high)."""
    if not isinstance(value, Num) or not re.fullmatch(r"-?(0|[1-9][0-9]*)", value):
        raise InputError(doc.source, field, "missing or not a JSON integer")
    n = int(value)
    low, high = bounds
    if not low <= n < high:
        raise InputError(doc.source, field, f"{value} is outside {low} to {high - 1}")
    return n


def element(doc: Doc, n: int, field: str) -> int:
    """A value hashed as a field element: the vendors' PoseidonBytes panics at the modulus."""
    if n >= poseidon.MODULUS:
        raise InputError(doc.source, field, "not below the BN254 field modulus")
    return n


def entries(doc: Doc, value: Any, field: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The asset list: objects with exactly the vendor's keys."""
    out = []
    for i, raw in enumerate(source.arr(doc, value, field, min_length=0)):
        entry = source.obj(doc, raw, f"{field}.{i}")
        for key in sorted(set(entry) ^ set(keys)):
            problem = "missing" if key in keys else "not a field of this format"
            raise InputError(doc.source, f"{field}.{i}.{key}", problem)
        out.append(entry)
    return out


def slots(
    doc: Doc, assets: list[dict[str, Any]], field: str, count: int
) -> dict[int, tuple[str, dict[str, Any]]]:
    """Each asset by its Index, with where the file has it: every Index below `count` (Go
    indexes a slice of that many: a larger one panics) and listed once (Go keeps the last
    of two: which one the tree holds is unknown)."""
    out: dict[int, tuple[str, dict[str, Any]]] = {}
    for i, a in enumerate(assets):
        index = number(doc, a["Index"], f"{field}.{i}.Index", U16)
        if index >= count:
            raise InputError(doc.source, f"{field}.{i}.Index", f"not below {count} asset slots")
        if index in out:
            raise InputError(doc.source, f"{field}.{i}.Index", f"asset {index} listed twice")
        out[index] = (f"{field}.{i}", a)
    return out


def packed(values: list[int]) -> list[int]:
    """Three 64-bit values to one field element, a * 2^128 + b * 2^64 + c, the last
    element filled with zeros (ComputeUserAssetsCommitment in Binance's and Gate's
    utils/utils.go)."""
    padded = values + [0] * (-len(values) % 3)
    return [
        (padded[i] << 128) + (padded[i + 1] << 64) + padded[i + 2] for i in range(0, len(padded), 3)
    ]


def siblings(doc: Doc, value: Any, field: str) -> list[int]:
    raw = source.arr(doc, value, field)
    if len(raw) != DEPTH:
        raise InputError(doc.source, field, f"{len(raw)} siblings, not the tree's {DEPTH}")
    out = []
    for i, text in enumerate(raw):
        where = f"{field}.{i}"
        s = source.text(doc, text, where)
        try:
            data = base64.b64decode(s, validate=True)
        except ValueError:  # binascii.Error, or a character outside ASCII
            data = b""
        if len(data) != 32 or base64.b64encode(data).decode() != s:
            raise InputError(doc.source, where, "not base64 of 32 bytes")
        out.append(element(doc, int.from_bytes(data), where))
    return out


def hex32(doc: Doc, value: Any, field: str) -> int:
    return element(doc, int(source.hexstr(doc, value, field, 64), 16), field)


# A variant's asset commitment and the negative balances among the assets, from the file.
Assets = Callable[[Doc, dict[str, Any]], tuple[int, list[str]]]


def read(doc: Doc, fields: Fields, assets: Assets) -> tuple[Customer, list[str]]:
    """The customer's values and the negatives among them (reported; hashed as Go does)."""
    top = source.obj(doc, doc.value, "(top level)")
    field_range = (1 - poseidon.MODULUS, poseidon.MODULUS)
    totals = [number(doc, top.get(k), k, field_range) for k in fields.totals]
    commitment, negatives = assets(doc, top)
    negatives += [f"{k}: {n}" for k, n in zip(fields.totals, totals, strict=True) if n < 0]
    return (
        Customer(
            index=number(doc, top.get(fields.index), fields.index, (0, 2**DEPTH)),
            account=hex32(doc, top.get(fields.account), fields.account),
            totals=totals,
            commitment=commitment,
            root=source.hexstr(doc, top.get(fields.root), fields.root, 64).lower(),
            siblings=siblings(doc, top.get(fields.proof), fields.proof),
        ),
        negatives,
    )


def climb(leaf: int, index: int, path: list[int]) -> int:
    """The root the path reaches: bit i of the index puts the node right at level i + 1."""
    node = leaf
    for i, sibling in enumerate(path):
        pair = [sibling, node] if index >> i & 1 else [node, sibling]
        node = poseidon.hash_elements(pair)
    return node


def verify(
    doc: Doc,
    request: Request,
    *,
    name: str,
    fields: Fields,
    assets: Assets,
    weaknesses: list[str],
) -> Verdict:
    """Recompute the leaf from the customer's values, climb the 28 levels, compare roots."""
    customer, found = read(doc, fields, assets)
    leaf = poseidon.hash_elements(
        [customer.account, *(abs(n) for n in customer.totals), customer.commitment]
    )
    reached = f"{climb(leaf, customer.index, customer.siblings):064x}"
    failure = None
    if reached != customer.root:
        failure = (
            f"root ({fields.root}): the leaf recomputed from your values and the {DEPTH} "
            f"siblings of {fields.proof} lead to {reached}, not the file's root {customer.root}"
        )
    return conclude(
        name,
        failure=failure,
        root=reached,
        published=request.published,
        weaknesses=weaknesses,
        negatives=found,
        account=f"{customer.account:064x} (leaf {customer.index})",
        balances={k: str(n) for k, n in zip(fields.totals, customer.totals, strict=True)},
    )
