"""Assemble an attestation (the exchange's side): its own configuration, the tree's
published root.json and the blocks that pin each chain's snapshot.

The configuration is the attestation without the two parts that come from elsewhere:
`liabilities.tree` (from root.json, never typed by hand) and `snapshot.chains`.
"""

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from verifier.errors import InputError
from verifier.io.attestation import check_attestation
from verifier.io.documents import as_input_error, read_text
from verifier.models.attestation import FORMAT, Attestation
from verifier.models.tree import TreeRoot


def parse_block(text: str) -> dict[str, Any]:
    """CHAIN=HEIGHT:HASH, e.g. bitcoin:mainnet=880000:0000...; the hash as the chain
    writes it (Ethereum's 0x prefix is dropped)."""
    chain, eq, point = text.partition("=")
    height, colon, block_hash = point.partition(":")
    block_hash = block_hash.lower().removeprefix("0x")
    if not (eq and colon and height.isascii() and height.isdigit()):
        raise InputError("--block", None, f"{text!r} is not CHAIN=HEIGHT:HASH")
    return {"chain": chain, "height": int(height), "block_hash": block_hash}


def assemble(config: Path, root: TreeRoot, blocks: list[dict[str, Any]]) -> Attestation:
    try:
        doc = json.loads(read_text(config))
    except json.JSONDecodeError as e:
        raise InputError(str(config), None, f"not JSON: {e}") from None
    if not isinstance(doc, dict):
        raise InputError(str(config), None, "not a JSON object")
    doc.setdefault("format", FORMAT)
    snapshot = doc.get("snapshot")
    if not isinstance(snapshot, dict):
        raise InputError(str(config), "snapshot", "required field is missing")
    if "chains" in snapshot:
        raise InputError(
            str(config), "snapshot.chains", "comes from --block, not the configuration"
        )
    if snapshot.get("id") != root.snapshot_id:
        raise InputError(
            "--root",
            "snapshot_id",
            f"{root.snapshot_id!r}, the configuration's snapshot is {snapshot.get('id')!r}",
        )
    liabilities = doc.setdefault("liabilities", {})
    if not isinstance(liabilities, dict) or "tree" in liabilities:
        raise InputError(
            str(config), "liabilities.tree", "comes from --root, not the configuration"
        )
    liabilities["tree"] = root.model_dump(mode="json")
    snapshot["chains"] = blocks
    try:
        # JSON mode: strict types as an attestation file has them (dates as text)
        att = Attestation.model_validate_json(json.dumps(doc))
    except ValidationError as e:
        raise as_input_error(str(config), e) from None
    check_attestation(att, str(config))
    return att
