"""The languages the reports speak: English, the source text, and Japanese from a
gettext catalogue (verifier/i18n/locale/ja/LC_MESSAGES/por.po).

The catalogue is compiled here, in memory, from the .po with Babel (`read_po`,
`write_mo`) the first time a Japanese report is asked for: no compiled .mo is
committed, so none can be stale, and there is no build step to forget.

Texts the domain writes (check reasons, limitations, scope, policy assumptions) stay
English in the report and its JSON; the domain marks them with `N_` (a no-op that
only tells the extractor) and the renderers translate them here, by message id. A
message with fields, such as "{actual} is not {relation} {required}", is matched
against the finished English text and its fields are carried into the translation.
"""

import gettext
import io
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from chains.messages import N_

__all__ = ["N_", "Lang", "Translator", "catalogue_path", "translator"]


class Lang(StrEnum):
    """A language the reports speak (`--lang`); English is the source text."""

    EN = "en"
    JA = "ja"


DOMAIN = "por"
_FIELD = re.compile(r"\{(\w+)\}")
# Fields that hold a count or a block height match digits only, so that "{count} fail"
# cannot swallow the "3 pass, 1" of "3 pass, 1 fail"; any other field takes as much
# as it can (a policy title "... (parametric)" inside "{title} ({status})").
_COUNTS = {"count", "height"}
_DIGITS = r"[0-9]+"


def catalogue_path(lang: Lang) -> resources.abc.Traversable:
    return resources.files(__package__) / "locale" / lang.value / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class Translator:
    """One language's texts, and how numbers read in it."""

    lang: Lang
    _t: gettext.NullTranslations
    _templates: list[tuple[tuple[re.Pattern[str], re.Pattern[str]], str]] = field(
        default_factory=list
    )
    # the renderers' messages asked for that the catalogue lacks: a test renders every
    # output in Japanese and fails on any (a _() the extractor missed, say)
    missing: set[str] = field(default_factory=set)

    def __call__(self, message: str) -> str:
        """`message` (a literal of the renderers, extracted as `_()`) in this language."""
        translated = self._t.gettext(message)
        if translated == message and self.lang is not Lang.EN:
            self.missing.add(message)
        return translated

    def pgettext(self, context: str, message: str) -> str:
        """`message` in `context` (the same English word may name different things)."""
        translated = self._t.pgettext(context, message)
        if translated == message and self.lang is not Lang.EN:
            self.missing.add(f"{context}|{message}")
        return translated

    def text(self, english: str) -> str:
        """A text the domain wrote: its translation by message id, or by the message
        with fields it was made from; English as is when the catalogue has neither."""
        if self.lang is Lang.EN or not english:
            return english
        exact = self._t.gettext(english)
        if exact != english:
            return exact
        for patterns, template in self._templates:
            readings = [m.groupdict() for p in patterns if (m := p.fullmatch(english))]
            if readings:
                # A field may hold brackets of its own ("law in force (since ...)"), so
                # the greedy and the lazy reading can cut the text in different places:
                # the one whose fields the catalogue knows more of wins, the greedy on a tie.
                cuts = [{k: self.text(v) for k, v in r.items()} for r in readings]
                best = max(
                    range(len(readings)),
                    key=lambda i: sum(cuts[i][k] != v for k, v in readings[i].items()),
                )
                return self._t.gettext(template).format(**cuts[best])
        # a list the domain joined: each item on its own (when the catalogue knows one)
        for separator in ("; ", ", "):
            parts = english.split(separator)
            if len(parts) == 1:
                continue
            translated = [self.text(part) for part in parts]
            if translated != parts:
                return self._t.gettext(separator).join(translated)
        return english


def _template_pattern(template: str, lazy: bool = False) -> re.Pattern[str]:
    """A message with fields as a regex matching the text it formats to; its fields
    take as much text as they can, or with `lazy` as little."""
    out, at, seen = [], 0, set()
    for m in _FIELD.finditer(template):
        out.append(re.escape(template[at : m.start()]))
        name = m.group(1)
        if name in seen:  # a field used twice holds the same text both times
            out.append(f"(?P={name})")
        else:
            out.append(f"(?P<{name}>{_DIGITS if name in _COUNTS else '.+?' if lazy else '.+'})")
            seen.add(name)
        at = m.end()
    out.append(re.escape(template[at:]))
    return re.compile("".join(out), re.S)


@cache
def translator(lang: Lang) -> Translator:
    """The translator of `lang`; English is the source text itself."""
    if lang is Lang.EN:
        return Translator(Lang.EN, gettext.NullTranslations())
    with catalogue_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang.value, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    templates = [
        ((_template_pattern(m.id), _template_pattern(m.id, lazy=True)), m.id)
        for m in catalog
        if isinstance(m.id, str) and _FIELD.search(m.id) and m.string
    ]
    # the longest literal text first, so a specific message wins over a general one
    templates.sort(key=lambda t: -len(_FIELD.sub("", t[1])))
    return Translator(lang, gettext.GNUTranslations(buf), templates)
