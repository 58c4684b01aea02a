"""A row without a signature is listed as not proven, in its place, never dropped."""

import csv
import json
from pathlib import Path

import pytest

from tests.ownership.vectors import all_vectors
from verifier.io.ownership import load
from verifier.models.check import Status
from verifier.ownership.verify import NOT_PROVEN, Binding, verify_all

SIGNED = next(p for name, p in sorted(all_vectors().items()) if name.startswith("ethereum"))


@pytest.mark.parametrize("form", ["json missing", "json null", "json empty", "csv empty"])
def test_unsigned_row_is_not_proven_and_kept(tmp_path: Path, form: str) -> None:
    unsigned = {"chain": "solana", "address": "11111111111111111111111111111111", "message": "m"}
    signed = SIGNED.model_dump(exclude_none=True)
    if form == "json null":
        unsigned["signature"] = None  # type: ignore[assignment]
    elif form == "json empty":
        unsigned["signature"] = " "
    if form.startswith("json"):
        path = tmp_path / "proofs.json"
        path.write_text(json.dumps([unsigned, signed]))
    else:
        path = tmp_path / "proofs.csv"
        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, ["chain", "address", "message", "signature"])
            writer.writeheader()
            writer.writerows([{**unsigned, "signature": ""}, signed])
    results = verify_all(load(path), Binding())
    assert [r.status for r in results] == [Status.FAIL, Status.PASS], results[1].reason
    assert results[0].reason == NOT_PROVEN
    assert "11111111111111111111111111111111" in results[0].id
