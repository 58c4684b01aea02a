"""The auditor's completeness check: recompute the whole tree from the full ledger.

Each ledger account is placed at the leaf index and with the nonce that the
exchange's accounts.sqlite records, and the recomputed root commitment and totals
must equal the published root.json. An account added, removed or changed anywhere
changes the root, and is named where it can be.

The recompute streams like the build (verifier/tree/build.py): leaf records are
spilled to partitions of consecutive leaf indices in a temporary directory, then
pushed partition by partition into the compiled reducer, so that memory grows with the
ledger by one byte an account only (which leaves are taken).
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from verifier.errors import InputError, OptionError
from verifier.io.ledger import Ledger, LedgerBatch
from verifier.models.check import CheckResult, Status
from verifier.models.tree import TreeRoot
from verifier.tree._fastverify import bound_heap
from verifier.tree.build import (
    DEFAULT_MEMORY,
    BuildPlan,
    Partitions,
    free_disk,
    new_reducer,
    plan_build,
)
from verifier.tree.spec import asset_pairs, root_commitment
from verifier.tree.store import Accounts, record_size


@dataclass(frozen=True)
class AuditResult:
    checks: list[CheckResult]


# Told each ledger batch with the (leaf index, nonce) of each of its accounts, once the
# batch has been placed: a caller that needs the ledger too (the administrator's plan)
# reads it once, in the same pass as the audit.
BatchObserver = Callable[[LedgerBatch, list[tuple[int, bytes]]], None]


def audit_tree(
    ledger: Ledger,
    root: TreeRoot,
    accounts: Accounts,
    observe: BatchObserver | None = None,
    memory: int = DEFAULT_MEMORY,
) -> AuditResult:
    if [a.symbol for a in ledger.assets] != [a.symbol for a in root.assets]:
        raise OptionError("assets", "the asset list differs from root.json")
    meta = accounts.meta
    if meta.get("root_commitment") != root.root_commitment:
        return AuditResult(
            [
                _fail(
                    "accounts-match-root",
                    "accounts.sqlite belongs to another tree",
                    root.root_commitment,
                    meta.get("root_commitment"),
                )
            ]
        )
    n_stored = accounts.count()
    n_ledger = ledger.count_rows()
    checks = [
        CheckResult(
            id="account-count",
            status=Status.PASS if n_ledger == n_stored == root.account_count else Status.FAIL,
            reason="ledger rows, stored accounts and root.json's account_count agree"
            if n_ledger == n_stored == root.account_count
            else "the ledger, accounts.sqlite and root.json disagree on the number of accounts",
            expected=root.account_count,
            actual={"ledger": n_ledger, "accounts.sqlite": n_stored},
        )
    ]
    n = root.account_count
    if n_ledger > 1 << root.height or n_stored != n:
        return AuditResult(checks)
    k = len(root.assets)
    width = 16 * k
    bound_heap()  # as the build: freed partitions go back to the system
    plan = plan_build(n, k, root.height, memory)
    scratch = Path(tempfile.gettempdir())
    free = free_disk(scratch)
    if free < plan.scratch_bytes:
        raise InputError(
            str(scratch),
            None,
            f"not enough free disk for the audit's partitions of {n:,} accounts: "
            f"{plan.scratch_bytes / (1 << 20):,.0f} MiB needed, {free / (1 << 20):,.0f} MiB free "
            "(TMPDIR names another directory)",
        )
    with tempfile.TemporaryDirectory(prefix="por-audit-") as directory:
        partitions = Partitions.by_leaf_index(Path(directory), plan)
        try:
            failed = _spill(ledger, accounts, partitions, n, observe)
        finally:
            partitions.close()
        if failed is not None:
            checks.append(failed)
            return AuditResult(checks)
        checks.append(
            CheckResult(
                id="ledger-accounts-in-tree",
                status=Status.PASS,
                reason="every ledger account has its own leaf in the tree",
            )
        )
        try:
            top = _reduce(partitions, plan)
        except OverflowError as e:
            checks.append(
                _fail(
                    "root-commitment",
                    f"the ledger's {root.assets[e.args[0]].symbol} total reaches 2^128",
                    root.root_commitment,
                    None,
                )
            )
            return AuditResult(checks)
    root_hash, root_sums = bytes(top[:32]), bytes(top[32:])
    totals = [str(int.from_bytes(root_sums[i : i + 16], "big")) for i in range(0, width, 16)]
    checks.append(
        CheckResult(
            id="liability-totals",
            status=Status.PASS if totals == [str(v) for v in root.root.sums] else Status.FAIL,
            reason="per-asset totals recomputed from the ledger",
            expected=[str(v) for v in root.root.sums],
            actual=totals,
        )
    )
    commitment = root_commitment(
        root.snapshot_id, root.height, asset_pairs(root.assets), root_hash, root_sums
    ).hex()
    checks.append(
        CheckResult(
            id="root-commitment",
            status=Status.PASS if commitment == root.root_commitment else Status.FAIL,
            reason="root commitment recomputed from the ledger, the stored nonces and leaf indices",
            expected=root.root_commitment,
            actual=commitment,
        )
    )
    return AuditResult(checks)


def _spill(
    ledger: Ledger,
    accounts: Accounts,
    partitions: Partitions,
    n: int,
    observe: BatchObserver | None,
) -> CheckResult | None:
    """Each ledger account's leaf record, spilled by its stored leaf index; the failure
    that names the first ledger row the tree lacks or that takes a leaf already taken."""
    placed = np.zeros(n, bool)
    stored = accounts.all()
    for batch in ledger.batches():
        m = len(batch.account_ids)
        entries = _stored_entries(batch.account_ids, list(islice(stored, m)), accounts)
        # the rows up to the first account the tree lacks, checked in ledger order
        lacking = next((i for i, entry in enumerate(entries) if entry is None), m)
        found = [entry for entry in entries[:lacking] if entry is not None]
        at = np.fromiter((index for index, _ in found), np.int64, len(found))
        twice = _first_misplaced(at, placed, n)
        if twice is not None:
            account_id = batch.account_ids[twice]
            return _fail(
                "ledger-accounts-in-tree",
                f"ledger row {batch.first_row + twice}: account {account_id!r} is listed twice or has a bad index",
                None,
                int(at[twice]),
            )
        if len(found) < m:
            account_id = batch.account_ids[len(found)]
            return _fail(
                "ledger-accounts-in-tree",
                f"ledger row {batch.first_row + len(found)}: account {account_id!r} is not in the tree",
                None,
                account_id,
            )
        placed[at] = True
        nonces = b"".join(nonce for _, nonce in found)
        partitions.add(batch.account_ids, nonces, batch.encoded, at)
        if observe is not None:
            observe(batch, found)
    return None


def _reduce(partitions: Partitions, plan: BuildPlan) -> bytes:
    """The root record of the leaves spilled, each ledger account at its own leaf. A
    ledger shorter than the tree leaves some leaves untaken: they count as all-zero
    records, so that the root differs and the totals are the ledger's."""
    reducer = new_reducer(plan, -1)
    n, parts = plan.n, 1 << plan.bits
    for part, (leaves, at) in enumerate(partitions.sorted()):
        first, end = -(-part * n // parts), -(-(part + 1) * n // parts)
        if len(at) < end - first:
            whole = np.zeros((end - first, record_size(plan.k)), np.uint8)
            whole[at.astype(np.int64) - first] = leaves.reshape(len(at), record_size(plan.k))
            leaves = whole.ravel()
        reducer.push(leaves)
    return reducer.finish()


def _stored_entries(
    account_ids: list[str], stored: list[tuple[str, int, bytes]], accounts: Accounts
) -> list[tuple[int, bytes] | None]:
    """(leaf index, nonce) of each ledger account of a batch, None for one the tree lacks.
    accounts.sqlite is read in ledger order alongside the ledger, so that the ledger the
    tree was built from costs one comparison of the batch's ids (a million point queries
    took most of an audit's time); the accounts not at their row are looked up in one
    query, which gives the same answer."""
    if [account_id for account_id, _, _ in stored] == account_ids:
        return [(leaf, nonce) for _, leaf, nonce in stored]
    at_row: list[tuple[int, bytes] | None] = [
        (leaf, nonce) if stored_id == account_id else None
        for account_id, (stored_id, leaf, nonce) in zip(
            account_ids, stored, strict=False
        )  # stored may be shorter
    ]
    at_row += [None] * (len(account_ids) - len(stored))
    found = accounts.lookup_many([a for a, e in zip(account_ids, at_row, strict=True) if e is None])
    return [e if e is not None else found.get(a) for a, e in zip(account_ids, at_row, strict=True)]


def _first_misplaced(at: np.ndarray, placed: np.ndarray, n: int) -> int | None:
    """The first position of `at` whose leaf index is out of range, already placed by an
    earlier batch, or taken earlier in this one; None when every one is fresh."""
    inside = (at >= 0) & (at < n)
    fresh = inside.copy()
    fresh[inside] = ~placed[at[inside]]
    _, first = np.unique(at, return_index=True)
    repeated = np.ones(len(at), bool)
    repeated[first] = False
    bad = np.flatnonzero(~fresh | repeated)
    return int(bad[0]) if len(bad) else None


def _fail(check_id: str, reason: str, expected: object, actual: object) -> CheckResult:
    return CheckResult(
        id=check_id, status=Status.FAIL, reason=reason, expected=expected, actual=actual
    )
