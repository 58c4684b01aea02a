"""Text from input files, made safe to show on a terminal.

An exchange name, an insurer, a symbol or an account id is the file author's text:
a newline in it could start a forged "VERDICT: PASS" line, an ANSI escape could
recolour or erase what the tool printed, a bidirectional override could reorder
it. Every such character is shown as its escape instead (`\\n`, `\\x1b`, `\\u202e`),
so the text stays readable and cannot act.
"""

import re

# C0 and C1 controls and DEL, and the format characters that steer display:
# bidirectional embeddings, overrides and isolates, and line and paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control and display-steering character escaped."""
    if text.isprintable() and not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escape, text)
