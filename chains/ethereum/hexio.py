"""Strict parsing of the hex that Ethereum nodes answer with.

A node's answer is untrusted input: a quantity that is not hex, or data of the
wrong length, is a malformed answer and never silently a zero.
"""

from typing import Any

from chains.jsonrpc import MalformedAnswer


def quantity(value: Any, what: str) -> int:
    if not isinstance(value, str) or not value.startswith("0x") or len(value) < 3:
        raise MalformedAnswer(f"{what}: {value!r} is not a hex quantity")
    try:
        return int(value, 16)
    except ValueError:
        raise MalformedAnswer(f"{what}: {value!r} is not a hex quantity") from None


def data(value: Any, what: str, size: int | None = None) -> bytes:
    if not isinstance(value, str) or not value.startswith("0x"):
        raise MalformedAnswer(f"{what}: {value!r} is not hex data")
    try:
        raw = bytes.fromhex(value[2:])
    except ValueError:
        raise MalformedAnswer(f"{what}: {value!r} is not hex data") from None
    if size is not None and len(raw) != size:
        raise MalformedAnswer(f"{what}: {len(raw)} bytes, expected {size}")
    return raw


def field(obj: Any, key: str, what: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise MalformedAnswer(f"{what}: no {key!r} in the answer")
    return obj[key]
