"""Strict reading of the numbers and hashes that Bitcoin sources answer with.

A node's or an Esplora server's answer is untrusted input: a height, an amount or a
hash that is not what the protocol allows is a malformed answer, never a number.
JSON booleans are refused as integers (Python counts True as 1), and so are
floats, negative numbers and numbers beyond what the chain can hold.
"""

import re
from typing import Any

from chains.jsonrpc import MalformedAnswer

# Core keeps a block's height in a signed 32-bit integer.
MAX_HEIGHT = 2**31 - 1
# No amount is above the 21 million coins there will ever be (Core's MAX_MONEY).
MAX_MONEY = 21_000_000 * 100_000_000

_HASH = re.compile(r"[0-9a-f]{64}")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def height(value: Any, what: str) -> int:
    """A block height given as a JSON number."""
    return _whole(value, what, MAX_HEIGHT, "a block height")


def height_text(text: str, what: str) -> int:
    """A block height given as plain text (Esplora): ASCII digits, no sign or leading zero."""
    if not _DECIMAL.fullmatch(text) or len(text) > len(str(MAX_HEIGHT)):
        raise MalformedAnswer(f"{what}: {text[:40]!r} is not a block height")
    return height(int(text), what)


def satoshis(value: Any, what: str) -> int:
    """An amount in satoshis given as a JSON number."""
    return _whole(value, what, MAX_MONEY, "a whole number of satoshis")


def hash_hex(value: Any, what: str) -> str:
    """A block hash or txid as nodes write it: 64 lowercase hex digits, byte-reversed."""
    if not isinstance(value, str) or not _HASH.fullmatch(value):
        raise MalformedAnswer(f"{what}: {str(value)[:80]!r} is not a 32-byte hex hash")
    return value


def _whole(value: Any, what: str, maximum: int, kind: str) -> int:
    if type(value) is not int or not 0 <= value <= maximum:
        raise MalformedAnswer(f"{what}: {str(value)[:40]!r} is not {kind}")
    return value
