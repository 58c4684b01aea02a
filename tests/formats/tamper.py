"""One-field tampering of a JSON proof: every scalar in the file, changed once."""

import copy
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

Field = tuple[Any, ...]


def scalars(value: Any, at: Field = ()) -> Iterator[Field]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from scalars(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from scalars(v, (*at, i))
    else:
        yield at


def changed(value: Any) -> Any:
    """A different value of the same kind: a hex digit flipped, a decimal plus one,
    an integer plus one, text with a letter added."""
    if isinstance(value, bool) or value is None:
        return "x"
    if isinstance(value, int):
        return value + 1
    text = str(value)
    if len(text) >= 8 and all(c in "0123456789abcdef" for c in text):
        return format(int(text[0], 16) ^ 1, "x") + text[1:]
    try:
        return str(Decimal(text) + 1)
    except InvalidOperation:
        return text + "x"


def tampered(doc: Any, field: Field) -> Any:
    out = copy.deepcopy(doc)
    target = out
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = changed(target[field[-1]])
    return out


def name(field: Field) -> str:
    return ".".join(str(k) for k in field)


def assert_refused(result: Any, fmt: str, filename: str, field: Field) -> None:
    """A tampered file never passes: NOT INCLUDED (exit 1), or bad input (exit 2) in one
    line on stderr naming the file."""
    if result.exit_code == 2:
        assert result.stdout == "" and f"{filename}: " in result.stderr, name(field)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    else:
        assert result.exit_code == 1, (name(field), result.output)
        assert f"NOT INCLUDED ({fmt})" in result.stdout, (name(field), result.output)
