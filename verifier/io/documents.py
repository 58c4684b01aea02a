"""Reading a file into its pydantic model, with the one-line error the CLI shows.

Every file the tool reads goes through here, so that a bad file always ends as
`<file>: <field>: <problem>` and exit 2, whatever the format.
"""

import json
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from verifier.errors import InputError

M = TypeVar("M", bound=BaseModel)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(str(path), None, f"cannot read: {e}") from None


def read_json_model(path: Path, model: type[M]) -> M:
    """A JSON file into `model`, strictly: JSON types as written, no coercion."""
    text = read_text(path)
    try:
        json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as e:
        raise InputError(str(path), None, f"not JSON: {e}") from None
    except _DuplicateKey as e:
        raise InputError(
            str(path), None, f"key {e.args[0]!r} appears twice in one object"
        ) from None
    try:
        return model.model_validate_json(text, strict=True)
    except ValidationError as e:
        raise as_input_error(str(path), e) from None


def read_toml_model(path: Path, model: type[M]) -> M:
    text = read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(str(path), None, f"not TOML: {e}") from None
    return validate(str(path), data, model)


def validate(source: str, data: Any, model: type[M]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise as_input_error(source, e) from None


def as_input_error(source: str, error: ValidationError) -> InputError:
    """The first problem pydantic found, with its location written as a field path."""
    first = error.errors(include_url=False)[0]
    field = field_path(first["loc"])
    message = first["msg"]
    if first["type"] == "missing":
        message = "required field is missing"
    elif first["type"] == "extra_forbidden":
        message = "unknown field"
    elif first["type"] == "value_error":
        message = message.removeprefix("Value error, ")
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


class _DuplicateKey(Exception):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A file where one key appears twice means different things to different readers.
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out
