"""How deeply a JSON (or TOML) text nests, measured before any parser recurses into it.

Python's json decoder recurses once per bracket and counts on the interpreter's
recursion limit to stop it. py_ecc, which web3 imports, raises that limit to 100,000
for the whole process, beyond what the C stack holds: 100,000 nested brackets from a
file or a node's answer then crash the process (a segmentation fault) where they
should raise RecursionError. So every reader of untrusted JSON asks here first; the
measure is linear and needs no recursion. No library offers a depth limit for the
standard decoder, and a second JSON parser would be a second set of rules to keep
apart from the first.

Both the verifier's input layer and the chain clients use it: it lives in `chains`
because `chains` may not import the verifier.
"""

import re
from itertools import accumulate

# Deeper than any format the tool reads (its own nest under ten levels; vendors' and
# nodes' answers under twenty), and far below what the C stack holds.
MAX_DEPTH = 512

# A double-quoted string with its escapes: brackets inside one are text, not nesting.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def too_deep(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether `text` opens more than `limit` brackets without closing them.

    Brackets inside double-quoted strings do not count; in a TOML literal string
    ('...') they do, so such a file may be refused, never crash a parser."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # the common case (a proof, a node's answer): two passes in C
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", data))
    return max(accumulate(_STEP[b] for b in brackets), default=0) > limit
