"""Read an ownership proof file: a JSON list of objects or a CSV with the same columns.

Any problem becomes one InputError naming the file, the row and the field.
"""

import csv
import io
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from verifier.errors import InputError
from verifier.models.ownership import OwnershipProof

COLUMNS = tuple(OwnershipProof.model_fields)
_REQUIRED = tuple(n for n, f in OwnershipProof.model_fields.items() if f.is_required())


def load(path: Path) -> list[OwnershipProof]:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's BOM is not a column name
    except OSError as e:
        raise InputError(source, None, f"cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(source, None, "not UTF-8 text") from None
    rows = _json_rows(source, text) if text.lstrip()[:1] in ("[", "{") else _csv_rows(source, text)
    if not rows:
        raise InputError(source, None, "no proofs in the file")
    return [_proof(source, i, row) for i, row in enumerate(rows, start=1)]


def _json_rows(source: str, text: str) -> list[Any]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(source, f"line {e.lineno}", f"not JSON: {e.msg}") from None
    if not isinstance(doc, list):
        raise InputError(source, None, "must be a JSON list of proof objects")
    return doc


def _csv_rows(source: str, text: str) -> list[Any]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise InputError(source, "header", f"missing column(s) {', '.join(missing)}")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise InputError(source, "header", f"unknown column(s) {', '.join(unknown)}")
    reader.fieldnames = header
    rows: list[Any] = []
    for row in reader:
        if None in row:
            raise InputError(source, f"line {reader.line_num}", "more cells than columns")
        rows.append({k: v for k, v in row.items() if v is not None})
    return rows


def _proof(source: str, index: int, row: Any) -> OwnershipProof:
    if not isinstance(row, dict):
        raise InputError(source, f"row {index}", "must be an object")
    try:
        return OwnershipProof.model_validate(row)
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "row"
        problem = "missing" if first["type"] == "missing" else first["msg"]
        problem = problem.removeprefix("Value error, ")
        raise InputError(source, f"row {index}: {field}", problem) from None
