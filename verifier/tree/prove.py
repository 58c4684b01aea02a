"""Cut inclusion proofs from a stored tree, on demand.

Writing every proof up front would cost H * (32 + 16K) bytes per account (4 GB per
million accounts at height 32); a proof is instead H reads from tree.bin.

Proofs are cut in batches, because an exchange delivers millions at once: one query
of accounts.sqlite per batch, and the compiled cutter (`_fastverify.cut`) reads the
siblings straight from the mapped tree.bin and writes their JSON, so that Python's
share of a proof is one string join. A line is spelled exactly as `proof_json_line`
spells the proof (the tests hold the cutter to that).
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from verifier.errors import InputError
from verifier.io.tree import load_root
from verifier.models.asset import AssetSpec
from verifier.models.tree import FORMAT
from verifier.tree._fastverify import cut
from verifier.tree.spec import empty_hashes
from verifier.tree.store import Accounts, TreeFile

BATCH = 4096  # proofs per call of the cutter and per query: a few MB of text at a time
_T = TypeVar("_T")


def proof_json(proof: dict[str, Any]) -> str:
    """The spec's layout: two-space indent, keys in the spec's order."""
    return json.dumps(proof, indent=2, ensure_ascii=False)


def proof_json_line(proof: dict[str, Any]) -> str:
    """One proof per line, for delivery files (JSON Lines): the spelling of every line
    the cutter writes."""
    return _compact(proof) + "\n"


def _compact(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Cutter:
    """Proof lines of one stored tree. Every proof of a tree shares the text before its
    account id and after its siblings; those are written once, by json.dumps."""

    def __init__(
        self,
        tree: TreeFile,
        snapshot_id: str,
        assets: list[AssetSpec],
        root: dict[str, Any],
        root_commitment: str,
    ) -> None:
        self.tree = tree
        head = {
            "format": FORMAT,
            "snapshot_id": snapshot_id,
            "height": tree.height,
            "assets": [{"symbol": a.symbol, "decimals": a.decimals} for a in assets],
            "account_id": "",
        }
        self._head = _compact(head)[: -len('""}')]
        tail = {"root": root, "root_commitment": root_commitment}
        self._tail = "," + _compact(tail)[1:] + "\n"
        self._offsets = np.array(tree.offsets, dtype=np.uint64).tobytes()
        self._counts = np.array(tree.counts, dtype=np.uint64).tobytes()
        self._empties = b"".join(empty_hashes(tree.height, tree.k)[: tree.height])
        self._areas = np.array(tree.areas, dtype=np.uint64).tobytes()

    def lines(self, rows: Sequence[tuple[str, int, bytes]]) -> list[str]:
        """The proof line of each (account_id, leaf index, nonce)."""
        for _, leaf, _ in rows:
            if not 0 <= leaf < self.tree.n:
                raise InputError(str(self.tree.path), f"leaf {leaf}", "no such leaf in this tree")
        leaves = np.array([leaf for _, leaf, _ in rows], dtype=np.uint64).tobytes()
        t = self.tree
        try:
            paths = cut(
                t.data, self._offsets, self._counts, self._empties, t.k, leaves, self._areas
            )
        except ValueError as e:
            if len(e.args) != 3:  # not a sparse record the builder cannot have written
                raise
            level, node, problem = e.args
            raise InputError(str(t.path), f"level {level} node {node}", problem) from None
        head, tail = self._head, self._tail
        return [
            f'{head}{encode_basestring(account_id)},"nonce":"{nonce.hex()}",{path}{tail}'
            for (account_id, _, nonce), path in zip(rows, paths, strict=True)
        ]


def batches(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class Prover:
    """A built tree's directory, opened once to cut many proofs."""

    def __init__(self, directory: Path) -> None:
        self.root = load_root(directory / "root.json")
        self.tree = TreeFile(directory / "tree.bin")
        self.accounts = Accounts(directory / "accounts.sqlite")
        where = str(directory)
        if self.accounts.meta.get("root_commitment") != self.root.root_commitment:
            raise InputError(where, "accounts.sqlite", "belongs to another tree than root.json")
        if (self.tree.height, self.tree.k, self.tree.n) != (
            self.root.height,
            len(self.root.assets),
            self.root.account_count,
        ):
            raise InputError(where, "tree.bin", "header does not match root.json")
        r = self.root
        self._cutter = Cutter(
            self.tree, r.snapshot_id, r.assets, r.root.as_json(), r.root_commitment
        )

    def proof(self, account_id: str) -> dict[str, Any]:
        """One account's proof as the spec's JSON object."""
        proof: dict[str, Any] = json.loads(next(self.lines([account_id])))
        return proof

    def lines(self, account_ids: Iterable[str]) -> Iterator[str]:
        """The proof line of each account, in the order given; an unknown id is an error."""
        for batch in batches(account_ids, BATCH):
            found = self.accounts.lookup_many(batch)
            rows = []
            for account_id in batch:
                if account_id not in found:
                    raise InputError(
                        str(self.accounts.path),
                        "account_id",
                        f"no account {account_id!r} in this tree",
                    )
                rows.append((account_id, *found[account_id]))
            yield from self._cutter.lines(rows)

    def all_lines(self) -> Iterator[str]:
        """Every account's proof line, in ledger order."""
        for rows in batches(self.accounts.all(), BATCH):
            yield from self._cutter.lines(rows)
