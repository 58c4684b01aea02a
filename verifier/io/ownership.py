"""Read an ownership proof file: a JSON list of objects or a CSV with the same columns.

Any problem becomes one InputError naming the file, the row and the field: `[2].script`
in a JSON list, `line 3, column script` in a CSV.
"""

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from verifier.errors import InputError
from verifier.io.documents import as_input_error, json_adapted
from verifier.io.files import read_text
from verifier.io.tables import read_rows
from verifier.models.ownership import OwnershipClaim

COLUMNS = tuple(OwnershipClaim.model_fields)
# A CSV must have the signature column even though a row's cell may be empty (that
# row is then not proven): a file without the column is more likely the wrong file.
REQUIRED = tuple(
    n for n, f in OwnershipClaim.model_fields.items() if f.is_required() or n == "signature"
)
_ROWS = TypeAdapter(list[OwnershipClaim])
Row = TypeVar("Row", bound=BaseModel)


def load(path: Path) -> list[OwnershipClaim]:
    return claims_of(read_text(path), str(path))


def claims_of(text: str, source: str) -> list[OwnershipClaim]:
    """The proofs of a file's text (`source` names the file in errors)."""
    if text.lstrip()[:1] in ("[", "{"):
        if text.lstrip()[:1] == "{":
            raise InputError(source, None, "must be a JSON list of proof objects")
        claims = json_adapted(text, source, _ROWS)
    else:
        claims = [
            validated_row(OwnershipClaim, source, line, row)
            for line, row in read_rows(text, source, COLUMNS, REQUIRED)
        ]
    if not claims:
        raise InputError(source, None, "no proofs in the file")
    return claims


def validated_row(model: type[Row], source: str, line: int, row: dict[str, str]) -> Row:
    """A CSV row as `model`, or the InputError naming its line and column."""
    try:
        return model.model_validate(row)
    except ValidationError as e:
        error = as_input_error(source, e)
        raise InputError(source, f"line {line}, column {error.field}", error.problem) from None
