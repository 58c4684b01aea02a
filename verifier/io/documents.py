"""Reading a document (JSON or TOML) into its pydantic model, with the one-line error
the CLI shows.

Every document the tool reads goes through here, so that a bad file always ends as
`<file>: <field>: <problem>` and exit 2, whatever the format, and field paths are
always written one way: `wallets[1].role`.
"""

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from chains.nesting import MAX_DEPTH, too_deep
from verifier.errors import InputError
from verifier.io.files import DOCUMENT_LIMIT, read_text
from verifier.io.jsontext import TOO_DEEP, parse_json
from verifier.models.numbers import PATTERN_WORDS

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def read_json_model(path: Path, model: type[M], limit: int = DOCUMENT_LIMIT) -> M:
    """A JSON file into `model`, strictly: JSON types as written, no coercion."""
    return json_model(read_text(path, limit), str(path), model)


def json_model(text: str, source: str, model: type[M]) -> M:
    """JSON text into `model`. The strict parse first refuses what pydantic would let
    through (a key written twice, NaN, nesting past the limit); pydantic then reads
    the same text in JSON mode, where dates are text and numbers stay numbers."""
    parse_json(text, source)
    try:
        return model.model_validate_json(text, strict=True)
    except ValidationError as e:
        raise as_input_error(source, e) from None
    except RecursionError:
        raise InputError(source, None, TOO_DEEP) from None


def json_adapted(text: str | bytes, source: str, adapter: TypeAdapter[T]) -> T:
    """As `json_model`, for a type that is not a model (a list of rows, a TypedDict)."""
    parse_json(text, source)
    try:
        return adapter.validate_json(text, strict=True)
    except ValidationError as e:
        raise as_input_error(source, e) from None


def refuse_first(source: str, problems: Iterable[tuple[str, str]]) -> None:
    """The first cross-field problem of a model (its `problems()`), as InputError."""
    for field, problem in problems:
        raise InputError(source, field, problem)


def read_toml_model(path: Path, model: type[M]) -> M:
    text = read_text(path)
    if too_deep(text) or _keys_too_deep(text):
        raise InputError(str(path), None, TOO_DEEP)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(str(path), None, f"not TOML: {e}") from None
    return validate(str(path), data, model)


# The key of each line: a [table] or [[array]] header, or what stands before "=".
_KEY = re.compile(r"^[ \t]*\[*([^=\]\n]*)", re.MULTILINE)


def _keys_too_deep(text: str) -> bool:
    """Whether a dotted key nests tables deeper than brackets may: tomllib would spend
    seconds on `[a.a.a...]` with 100,000 parts before the model refused it. A dot in a
    quoted key counts too: such a file is refused, never slow."""
    return any(m.group(1).count(".") > MAX_DEPTH for m in _KEY.finditer(text))


def validate(source: str, data: Any, model: type[M]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise as_input_error(source, e) from None
    except RecursionError:
        raise InputError(source, None, TOO_DEEP) from None


def as_input_error(source: str, error: ValidationError) -> InputError:
    """The first problem pydantic found, with its location written as a field path."""
    first = error.errors(include_url=False)[0]
    field = field_path(first["loc"])
    message = first["msg"]
    kind = first["type"]
    if kind == "missing":
        message = "required field is missing"
    elif kind == "extra_forbidden":
        message = "unknown field"
    elif kind == "value_error":
        message = message.removeprefix("Value error, ")
    elif kind == "string_pattern_mismatch":
        pattern = str((first.get("ctx") or {}).get("pattern", ""))
        message = PATTERN_WORDS.get(pattern, message)
    elif kind == "json_invalid":
        message = f"not valid JSON ({message})"
    return InputError(source, field or None, message)


def field_path(loc: tuple[Any, ...]) -> str:
    """("wallets", 2, "role") -> "wallets[2].role"; a bad mapping key is "prices.X [key]"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " [key]"
        else:
            out += f".{part}" if out else str(part)
    return out
