"""Strict parsing of the hex that Ethereum nodes answer with.

A node's answer is untrusted input: a quantity that is not the canonical hex the
JSON-RPC specification writes, or data of the wrong length, is a malformed answer
and never silently a number.
"""

import re
from typing import Any

from chains.jsonrpc import MalformedAnswer

# A QUANTITY: "0x", then the number in hex without leading zeros ("0x0" for zero),
# and here at most 256 bits: no balance, height or chain id an EVM keeps is wider.
_QUANTITY = re.compile(r"0x(0|[1-9a-fA-F][0-9a-fA-F]{0,63})")
# DATA: "0x" and whole bytes of hex, nothing between them (bytes.fromhex alone would
# also take spaces).
_DATA = re.compile(r"0x(?:[0-9a-fA-F]{2})*")


def quantity(value: Any, what: str) -> int:
    """A canonical QUANTITY within 256 bits: "0x1", never "0x01", "0x", "-0x1" or 65 digits."""
    if not isinstance(value, str) or not _QUANTITY.fullmatch(value):
        raise MalformedAnswer(f"{what}: {_shown(value)} is not a canonical hex quantity")
    return int(value, 16)


def data(value: Any, what: str, size: int | None = None) -> bytes:
    if not isinstance(value, str) or not _DATA.fullmatch(value):
        raise MalformedAnswer(f"{what}: {_shown(value)} is not hex data")
    raw = bytes.fromhex(value[2:])
    if size is not None and len(raw) != size:
        raise MalformedAnswer(f"{what}: {len(raw)} bytes, expected {size}")
    return raw


def field(obj: Any, key: str, what: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise MalformedAnswer(f"{what}: no {key!r} in the answer")
    return obj[key]


def _shown(value: Any) -> str:
    """The value for a message, cut short: an answer may be megabytes of hex."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:70]}... ({len(text)} characters)"
