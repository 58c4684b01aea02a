"""Babel extraction methods for what is not Python: policy presets (TOML), whose
title, status, assumptions and what they leave unchecked a report quotes, and the
customer page's HTML, whose texts are marked {{_:...}} (babel.cfg names both)."""

import re
import tomllib
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import IO, Any

# Babel's extraction tuple: line number, keyword ("" here), message, translator comments
Extracted = tuple[int, str, str, list[str]]
Method = Callable[
    [IO[bytes], Mapping[str, Any], Collection[str], Mapping[str, Any]], Iterator[Extracted]
]


def _method(texts: Callable[[str], Iterator[Extracted]]) -> Method:
    """A Babel extraction method from a function of the file's text."""

    def method(
        fileobj: IO[bytes],
        keywords: Mapping[str, Any],
        comment_tags: Collection[str],
        options: Mapping[str, Any],
    ) -> Iterator[Extracted]:
        return texts(fileobj.read().decode())

    return method


def _policy(raw: str) -> Iterator[Extracted]:
    """The texts of one policy preset that a report shows, each with its line."""
    policy = tomllib.loads(raw)
    figures = [f.get("source") for f in policy.get("figures", []) if isinstance(f, dict)]
    texts = [
        policy.get("title"),
        policy.get("status"),
        *policy.get("sources", []),
        *policy.get("assumptions", []),
        *policy.get("not_checked", []),
        *figures,
    ]
    lines = raw.splitlines()
    for text in texts:
        if isinstance(text, str) and text:
            line = next((n for n, ln in enumerate(lines, 1) if text in ln), 0)
            yield line, "", text, [f"policy {policy.get('id')}"]


def _page(raw: str) -> Iterator[Extracted]:
    """The texts of an HTML template marked {{_:...}}, each with its line."""
    for m in re.finditer(r"\{\{_:(.*?)\}\}", raw, re.S):
        yield raw.count("\n", 0, m.start()) + 1, "", m.group(1), []


policy_texts = _method(_policy)
page_texts = _method(_page)
