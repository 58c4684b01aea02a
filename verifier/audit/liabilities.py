"""The published liability commitment, recomputed from its own header.

An attestation states the por-mst-v1 root (hash and per-asset sums), its height,
asset list and snapshot id, and the commitment over all of them; the commitment is
what customers compare their proofs with, so it must be the one these fields give.
"""

from verifier.i18n import N_
from verifier.models.attestation import Attestation
from verifier.models.check import CheckResult, Status
from verifier.tree.spec import MAX_VALUE, asset_pairs, enc, root_commitment

METHOD = N_(
    "SHA-256 root commitment of por-mst-v1 recomputed from the attestation's snapshot_id, "
    "height, asset list and root (hash and sums); it must equal the published commitment."
)


def commitment_check(att: Attestation) -> CheckResult:
    tree = att.liabilities.tree
    sums = [int(s) for s in tree.root.sums]
    if len(sums) != len(tree.assets) or any(s >= MAX_VALUE for s in sums):
        return CheckResult(
            id="liabilities.commitment",
            status=Status.FAIL,
            reason="the root sums do not match the asset list or exceed 2^128",
            actual=tree.root.sums,
        )
    got = root_commitment(
        tree.snapshot_id,
        tree.height,
        asset_pairs(tree.assets),
        bytes.fromhex(tree.root.hash),
        enc(sums),
    ).hex()
    ok = got == tree.root_commitment
    return CheckResult(
        id="liabilities.commitment",
        status=Status.PASS if ok else Status.FAIL,
        reason="" if ok else "the header does not give the published root commitment",
        expected=tree.root_commitment,
        actual=got,
    )
