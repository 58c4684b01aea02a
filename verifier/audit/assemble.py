"""Assemble an attestation (the exchange's side): its own configuration, the tree's
published root.json and the blocks that pin each chain's snapshot.

The configuration is the attestation without the two parts that come from elsewhere:
`liabilities.tree` (from root.json, never typed by hand) and `snapshot.chains`.
"""

import json
from typing import Any

from verifier.errors import InputError, OptionError
from verifier.io.documents import json_model, refuse_first
from verifier.models.attestation import FORMAT, Attestation
from verifier.models.tree import TreeRoot


def parse_block(text: str) -> dict[str, Any]:
    """CHAIN=HEIGHT:HASH, e.g. bitcoin:mainnet=880000:0000...; the hash as the chain
    writes it (Ethereum's 0x prefix is dropped)."""
    chain, eq, point = text.partition("=")
    height, colon, block_hash = point.partition(":")
    block_hash = block_hash.lower().removeprefix("0x")
    if not (eq and colon and height.isascii() and height.isdigit()):
        raise OptionError("block", f"{text!r} is not CHAIN=HEIGHT:HASH")
    return {"chain": chain, "height": int(height), "block_hash": block_hash}


def assemble(
    doc: dict[str, Any], config: str, root: TreeRoot, root_source: str, blocks: list[dict[str, Any]]
) -> Attestation:
    """The attestation from the configuration `doc` (read from `config`), the tree's
    root (from `root_source`) and the snapshot blocks."""
    doc.setdefault("format", FORMAT)
    snapshot = doc.get("snapshot")
    if not isinstance(snapshot, dict):
        raise InputError(config, "snapshot", "required field is missing")
    if "chains" in snapshot:
        raise InputError(
            config, "snapshot.chains", "comes from the snapshot blocks, not the configuration"
        )
    if snapshot.get("id") != root.snapshot_id:
        raise InputError(
            root_source,
            "snapshot_id",
            f"{root.snapshot_id!r}, the configuration's snapshot is {snapshot.get('id')!r}",
        )
    liabilities = doc.setdefault("liabilities", {})
    if not isinstance(liabilities, dict) or "tree" in liabilities:
        raise InputError(
            config, "liabilities.tree", "comes from the tree's root.json, not the configuration"
        )
    liabilities["tree"] = root.model_dump(mode="json")
    snapshot["chains"] = blocks
    # JSON mode: strict types as an attestation file has them (dates as text)
    att = json_model(json.dumps(doc), config, Attestation)
    refuse_first(config, att.problems())
    return att
