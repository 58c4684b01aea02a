"""Inclusion proofs in every format we read, behind one small interface.

Each format is a module with NAME, TAKES_TREE, REQUIRED, detect(doc) and verify(doc,
request) -> Verdict. The format is found from the file's shape (its keys, its line
layout, a directory of level files), never from its name; `--format NAME` skips the
guess. A JSON file is handed only to a format whose REQUIRED keys it has all of: a
file that has too few for every format is no known format, and the error names the
nearest format and the keys the file lacks, instead of a field error of a format the
file is not (Bitunix's and CoinEx's files were once read as okx-v1 that way).
A whole published tree given beside a file that has no use for it is refused, never
ignored: the user would believe it had been checked.
"""

from pathlib import Path
from typing import Protocol

from verifier.errors import InputError, OptionError
from verifier.tree.formats import (
    binance_2022,
    binance_zk,
    bitget,
    bitmex,
    bitunix,
    bybit,
    coinex,
    gate_zk,
    htx_zk,
    mexc,
    okx_full_tree,
    okx_v1,
    por_mst_v1,
)
from verifier.tree.formats.source import Doc, Request, lacking, load, published_value
from verifier.tree.formats.verdict import Verdict


class Format(Protocol):
    NAME: str
    # True when the format's customer file (JSON) is checked against the whole
    # published tree, given as `tree`; every other file is checked on its own.
    TAKES_TREE: bool
    # The keys (dotted paths, `a|b` for either) a JSON file of the format must have.
    REQUIRED: tuple[str, ...]

    def detect(self, doc: Doc) -> bool: ...

    def verify(self, doc: Doc, request: Request) -> Verdict: ...


FORMATS: list[Format] = [
    por_mst_v1,
    okx_v1,
    okx_full_tree,
    bybit,
    mexc,
    bitget,
    bitunix,
    coinex,
    binance_2022,
    bitmex,
    binance_zk,
    gate_zk,
    htx_zk,
]
BY_NAME: dict[str, Format] = {f.NAME: f for f in FORMATS}


def detect(doc: Doc) -> Format:
    """The one format whose shape the input has, or InputError naming the input."""
    found = [f for f in FORMATS if f.detect(doc) and not lacking(doc, f.REQUIRED)]
    if not found:
        raise InputError(
            doc.source,
            None,
            f"not a file of any known format ({', '.join(BY_NAME)}){_nearest(doc)}",
        )
    if len(found) > 1:
        names = ", ".join(f.NAME for f in found)
        raise OptionError(
            "format_name",
            f"{doc.source}: its shape fits several formats ({names}): give {{format_name}}",
            mentions=("format_name",),
        )
    return found[0]


def _nearest(doc: Doc) -> str:
    """The format the JSON file lacks fewest required keys of (of those it has some
    of; then the one it has most of), and what it lacks."""
    gaps = [
        (f, missing)
        for f in FORMATS
        if (missing := lacking(doc, f.REQUIRED)) and len(missing) < len(f.REQUIRED)
    ]
    if not gaps:
        return (
            ": it has none of the keys that a format requires"
            if isinstance(doc.value, dict)
            else ""
        )
    fmt, missing = max(gaps, key=lambda g: (-len(g[1]), len(g[0].REQUIRED)))
    needs = ", ".join(k.replace("|", " or ") for k in missing)
    return f": nearest is {fmt.NAME}, but the file lacks {needs}"


def verify_file(
    file: Path,
    *,
    format_name: str = "auto",
    commitment: str | None = None,
    tree: Path | None = None,
) -> Verdict:
    """Verify FILE (a proof, or a whole published tree) in its format."""
    if format_name != "auto" and format_name not in BY_NAME:
        raise OptionError(
            "format_name", f"{format_name!r} is not one of auto, {', '.join(BY_NAME)}"
        )
    published = published_value(commitment)
    doc = load(file)
    fmt = detect(doc) if format_name == "auto" else BY_NAME[format_name]
    if tree is not None and not (fmt.TAKES_TREE and doc.kind == "json"):
        raise OptionError("tree", _no_use_for_tree(fmt, doc), mentions=("tree",))
    return fmt.verify(doc, Request(published=published, tree=load(tree) if tree else None))


def _no_use_for_tree(fmt: Format, doc: Doc) -> str:
    if fmt.TAKES_TREE:
        return f"{doc.source} is already the whole {fmt.NAME} tree: give the customer's file instead, with the tree as {{tree}}"
    return f"the {fmt.NAME} format verifies its file on its own: a whole tree has no use here"
