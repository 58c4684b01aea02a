"""Reading a vendor file: JSON with every number kept as written, and typed field access.

Every accessor raises InputError naming the file and the field, so a malformed file
ends as one line and exit 2 wherever in a format module the problem is found.
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from verifier.errors import InputError, OptionError
from verifier.io.files import LARGE_LIMIT, read_text
from verifier.io.jsontext import Num, parse_json


@dataclass(frozen=True)
class Doc:
    """One input as found on disk: a JSON value, lines of text, or a directory."""

    path: Path
    kind: Literal["json", "text", "dir"]
    value: Any = None  # the parsed JSON (kind "json")
    text: str = ""  # the whole file (kinds "json" and "text")

    @cached_property
    def source(self) -> str:
        return str(self.path)

    def lines(self) -> Iterator[tuple[int, str]]:
        """(line number, line) for every line that is not blank."""
        for number, line in enumerate(self.text.splitlines(), 1):
            if line.strip():
                yield number, line.strip()


def load(path: Path) -> Doc:
    """Read `path` once; the shape decides the format later, never the name."""
    if path.is_dir():
        return Doc(path, "dir")
    text = read_text(path, LARGE_LIMIT)
    if text.lstrip()[:1] in ("{", "["):
        return Doc(path, "json", parse_json(text, str(path)), text)
    return Doc(path, "text", text=text)


def lacking(doc: Doc, required: Sequence[str]) -> list[str] | None:
    """The required keys a JSON object file lacks, or None when it is no JSON object.

    A key is a dotted path (`self.merkleLeaf`: the key `merkleLeaf` in the object
    under `self`); `nonce|account_nonce` is satisfied by either. Formats are detected
    by their required keys so that no format is handed a file it can only refuse with
    a field error of its own: such a file is named as no known format instead, with
    the nearest one and what the file lacks of it.
    """
    if doc.kind != "json" or not isinstance(doc.value, dict):
        return None
    return [key for key in required if not any(_has(doc.value, k) for k in key.split("|"))]


def _has(value: Any, dotted: str) -> bool:
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True


def obj(doc: Doc, value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(doc.source, field, "missing or not a JSON object")
    return value


def arr(doc: Doc, value: Any, field: str, *, min_length: int = 1) -> list[Any]:
    if not isinstance(value, list) or len(value) < min_length:
        raise InputError(doc.source, field, f"missing or not a list of at least {min_length}")
    return value


def text(doc: Doc, value: Any, field: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or isinstance(value, Num) or (not value and not allow_empty):
        raise InputError(doc.source, field, "missing or not a non-empty JSON string")
    return value


def integer(doc: Doc, value: Any, field: str) -> int:
    """A JSON integer (Java's Integer fields also take "2" as a string, so do we)."""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,18}", value):
        return int(value)
    raise InputError(doc.source, field, "missing or not an integer")


HEX = re.compile(r"[0-9a-fA-F]+")


def hexstr(doc: Doc, value: Any, field: str, length: int | None = None) -> str:
    s = text(doc, value, field)
    if not HEX.fullmatch(s) or (length is not None and len(s) != length):
        size = f"{length} hex digits" if length else "hex"
        raise InputError(doc.source, field, f"not {size}")
    return s


@dataclass(frozen=True)
class Request:
    """What the user gave besides FILE: the published root and the whole tree, if any."""

    published: str | None = None  # lowercase hex, checked by published_value()
    tree: Doc | None = None


def whole_tree(request: Request, kind: Literal["text", "dir"], need: str) -> Doc:
    """The --tree a user file is checked against, or InputError saying what to give."""
    if request.tree is None or request.tree.kind != kind:
        raise OptionError("tree", need, mentions=("tree",))
    return request.tree


def published_value(text: str | None) -> str | None:
    """The published value: hex of any length (vendors publish 16 to 64 digits), '0x' allowed."""
    if text is None:
        return None
    value = text.strip().lower().removeprefix("0x")
    if not value or not HEX.fullmatch(value):
        raise OptionError("commitment", "not hex")
    return value
