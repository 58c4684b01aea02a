"""Cut inclusion proofs from a stored tree, on demand.

Writing every proof up front would cost H * (32 + 16K) bytes per account (4 GB per
million accounts at height 32); a proof is instead H reads from tree.bin.

Proofs are cut in batches, because an exchange delivers millions at once: one call of
the compiled lookup in lookup.bin per batch (or one query of accounts.sqlite, for ledger
order and for trees without lookup.bin), and the compiled cutter (`_fastverify.cut`),
on eight threads, reads the siblings straight from the mapped tree.bin and writes
their JSON, so that Python's share of a proof is one string join. A line is spelled exactly as `proof_json_line`
spells the proof (the tests hold the cutter to that).
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

from verifier.errors import InputError
from verifier.io.tree import load_root
from verifier.models.asset import AssetSpec
from verifier.models.tree import FORMAT
from verifier.tree._fastverify import cut
from verifier.tree.lookup import BAD_ENTRY, SHARED, Lookup
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

    def rows(self, rows: Sequence[tuple[str, int, bytes]]) -> list[str]:
        """The proof line of each (account_id, leaf index, nonce) that accounts.sqlite
        gave: any integer may come from a doctored file."""
        for _, leaf, _ in rows:
            if not 0 <= leaf < self.tree.n:
                raise InputError(str(self.tree.path), f"leaf {leaf}", "no such leaf in this tree")
        lines = self.lines(
            [a for a, _, _ in rows],
            np.array([leaf for _, leaf, _ in rows], np.uint64).tobytes(),
            b"".join(nonce for _, _, nonce in rows),
        )
        return cast(list[str], lines)

    def lines(
        self,
        account_ids: Sequence[str],
        leaves: bytes,
        nonces: bytes,
        id_hashes: bytes | None = None,
    ) -> list[str | None]:
        """The proof line of each account at its leaf (u64 each) with its nonce (32 bytes
        each). With `id_hashes` (SHA256 of each id) a leaf is first confirmed as the
        account's, and an account whose leaf is not gets None (`Lookup` says why)."""
        t = self.tree
        try:
            paths = cut(
                t.data,
                self._offsets,
                self._counts,
                self._empties,
                t.k,
                leaves,
                nonces,
                self._areas,
                id_hashes,
            )
        except ValueError as e:
            if len(e.args) != 3:  # not a sparse record the builder cannot have written
                raise
            level, node, problem = e.args
            raise InputError(str(t.path), f"level {level} node {node}", problem) from None
        head, tail = self._head, self._tail
        return [
            None if path is None else f"{head}{encode_basestring(account_id)},{path}{tail}"
            for account_id, path in zip(account_ids, paths, strict=True)
        ]


def batches(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class Prover:
    """A built tree's directory, opened once to cut many proofs: accounts are found
    through lookup.bin when the tree has one (lookup.py says why), else, and for
    anything lookup.bin cannot answer for sure, through accounts.sqlite."""

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
        index = directory / "lookup.bin"
        self.lookup = (
            Lookup(index, self.tree.n, bytes.fromhex(self.root.root_commitment))
            if index.exists()
            else None
        )
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
            if self.lookup is None:
                yield from self._from_accounts(batch)
                continue
            leaves, nonces, hashes, status = self.lookup.find(batch)
            lines = self._cutter.lines(batch, leaves, nonces, hashes)
            unsure = [i for i, line in enumerate(lines) if line is None]
            if unsure:
                self._check_unsure(batch, status, unsure)
                for i, line in zip(
                    unsure, self._from_accounts([batch[i] for i in unsure]), strict=True
                ):
                    lines[i] = line
            yield from cast(list[str], lines)

    def _check_unsure(self, batch: list[str], status: np.ndarray, unsure: list[int]) -> None:
        """Accounts lookup.bin did not find for sure: only a key two ids share may be
        missing from it; an id it does not hold or a leaf that is not the account's, for
        an account that accounts.sqlite has, is a lookup.bin that does not match."""
        lookup = cast(Lookup, self.lookup)
        bad = [i for i in unsure if status[i] == BAD_ENTRY]
        if bad:
            problem = f"its entry for {batch[bad[0]]!r} points outside the tree"
            raise InputError(str(lookup.path), None, problem)
        known = self.accounts.lookup_many([batch[i] for i in unsure if status[i] != SHARED])
        if known:
            account_id = next(batch[i] for i in unsure if batch[i] in known)
            problem = (
                f"does not match accounts.sqlite for {account_id!r} "
                "(`por tree index DIR --force` writes it again)"
            )
            raise InputError(str(lookup.path), None, problem)

    def _from_accounts(self, batch: list[str]) -> list[str]:
        """Proof lines of accounts found through accounts.sqlite."""
        found = self.accounts.lookup_many(batch)
        for account_id in batch:
            if account_id not in found:
                raise InputError(
                    str(self.accounts.path),
                    "account_id",
                    f"no account {account_id!r} in this tree",
                )
        return self._cutter.rows([(a, *found[a]) for a in batch])

    def all_lines(self) -> Iterator[str]:
        """Every account's proof line, in ledger order."""
        for rows in batches(self.accounts.all(), BATCH):
            yield from self._cutter.rows(rows)
