"""The English a Japanese rendering must not show: every sentence of the catalogue's
message ids, cut at their {fields} (a field holds a figure, a name or another
message, checked on its own), the pieces of four words or more (shorter ones, such
as a check's name, may be part of a kept proper name)."""

import html
import re
from functools import cache

from babel.messages.pofile import read_po

from verifier.i18n import Lang, catalogue_path

_FIELD = re.compile(r"\{\w*\}")
_WORD = re.compile(r"[A-Za-z]{2,}")


@cache
def english_phrases() -> frozenset[str]:
    with catalogue_path(Lang.JA).open("rb") as f:
        catalogue = read_po(f)
    pieces = (p.strip(" ,.;:()") for m in catalogue if m.id for p in _FIELD.split(str(m.id)))
    return frozenset(p for p in pieces if len(_WORD.findall(p)) >= 4)


def visible_text(page: str) -> str:
    """What a person reads of an HTML page: no markup, style or script, and no <pre>:
    a check's evidence is its JSON, shown as the --json report has it, in every
    language (as the JSON report's keys, its texts stay the machine's)."""
    page = re.sub(r"<(style|script|pre)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def english_in(text: str) -> list[str]:
    """The catalogue's English sentences found in `text` (its whitespace folded)."""
    flat = " ".join(text.split())
    return sorted(p for p in english_phrases() if p in flat)
