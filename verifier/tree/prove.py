"""Cut inclusion proofs from a stored tree, on demand.

Writing every proof up front would cost H * (32 + 16K) bytes per account (4 GB per
million accounts at height 32); a proof is instead H reads from tree.bin.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from verifier.errors import InputError
from verifier.io.tree import load_root
from verifier.models.asset import AssetSpec
from verifier.models.tree import FORMAT
from verifier.tree.spec import empty_hashes
from verifier.tree.store import Accounts, TreeFile


def proof_json(proof: dict[str, Any]) -> str:
    """The spec's layout: two-space indent, keys in the spec's order."""
    return json.dumps(proof, indent=2, ensure_ascii=False)


def proof_json_line(proof: dict[str, Any]) -> str:
    """One proof per line, for delivery files (JSON Lines)."""
    return json.dumps(proof, separators=(",", ":"), ensure_ascii=False) + "\n"


# Levels with at most this many stored nodes keep their siblings decoded: a few
# thousand small dicts, against two decodings saved on every proof.
SHARED_LEVEL_NODES = 1 << 12


def cut(
    tree: TreeFile,
    snapshot_id: str,
    assets: list[AssetSpec],
    root: dict[str, Any],
    root_commitment: str,
    account_id: str,
    index: int,
    nonce: bytes,
    empties: list[bytes],
    upper: dict[tuple[int, int], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One account's proof as the spec's JSON object (`empties` from spec.empty_hashes).

    `upper` memoises siblings on the levels with few nodes, which every proof shares
    (at height 32, the upper half of each path): cutting many proofs reads and decodes
    them once. Proofs then share those sibling objects, as they share `root`."""
    k, height = tree.k, tree.height
    zero = ["0"] * k
    leaf = tree.node(0, index)
    if leaf is None:
        raise InputError(str(tree.path), f"leaf {index}", "no such leaf in this tree")
    siblings = []
    for level in range(height):
        at = (level, (index >> level) ^ 1)
        sibling = upper.get(at) if upper is not None else None
        if sibling is None:
            rec = tree.node(*at)
            if rec is None:
                sibling = {"hash": empties[level].hex(), "sums": zero}
            else:
                sibling = {"hash": rec[:32].hex(), "sums": _sums(rec, k)}
            if upper is not None and tree.counts[level] <= SHARED_LEVEL_NODES:
                upper[at] = sibling
        siblings.append(sibling)
    return {
        "format": FORMAT,
        "snapshot_id": snapshot_id,
        "height": height,
        "assets": [{"symbol": a.symbol, "decimals": a.decimals} for a in assets],
        "account_id": account_id,
        "nonce": nonce.hex(),
        "balances": _sums(leaf, k),
        "index": index,
        "siblings": siblings,
        "root": root,
        "root_commitment": root_commitment,
    }


def _sums(record: bytes, k: int) -> list[str]:
    return [str(int.from_bytes(record[32 + 16 * i : 48 + 16 * i], "big")) for i in range(k)]


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
        self._root = self.root.root.as_json()
        self._empties = empty_hashes(self.tree.height, self.tree.k)
        self._upper: dict[tuple[int, int], dict[str, Any]] = {}

    def proof(self, account_id: str) -> dict[str, Any]:
        found = self.accounts.lookup(account_id)
        if found is None:
            raise InputError(
                str(self.accounts.path), "account_id", f"no account {account_id!r} in this tree"
            )
        return self._cut(account_id, *found)

    def _cut(self, account_id: str, index: int, nonce: bytes) -> dict[str, Any]:
        r = self.root
        return cut(
            self.tree,
            r.snapshot_id,
            r.assets,
            self._root,
            r.root_commitment,
            account_id,
            index,
            nonce,
            self._empties,
            self._upper,
        )

    def all(self) -> Iterator[dict[str, Any]]:
        for account_id, index, nonce in self.accounts.all():
            yield self._cut(account_id, index, bytes(nonce))
