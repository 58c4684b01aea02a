"""Strict JSON: the one parser under every JSON file and JSON line the tool reads.

Python's json module accepts what a verifier must not: a key written twice (two
readers see two different files), NaN and Infinity, 1e400 read as infinity. Here
each of those is bad input naming the file; numbers are kept as the text the file
wrote (`Num`), so that nothing passes through a float; nesting deeper than the
interpreter can follow is bad input too (measured before parsing: chains/nesting.py
says why), never a RecursionError or a crash.
"""

import json
import math
from typing import Any

from chains.nesting import MAX_DEPTH, too_deep
from verifier.errors import InputError

TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep: not a file of this tool"


class Num(str):
    """A JSON number exactly as the file writes it (scale and all), never a float."""


class _Refused(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number a file may hold")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"key {key!r} appears twice in one object")
        out[key] = value
    return out


_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicate_keys,
    parse_float=Num,
    parse_int=Num,
    parse_constant=_no_constant,
)


def parse_json(text: str | bytes, source: str, field: str | None = None) -> Any:
    """`text` as JSON values, every number a `Num`; InputError naming `source` otherwise."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(source, field, f"not UTF-8 text (byte {e.start})") from None
    if too_deep(text):
        raise InputError(source, field, TOO_DEEP)
    try:
        return _DECODER.decode(text)
    except _Refused as e:
        raise InputError(source, field, str(e)) from None
    except json.JSONDecodeError as e:
        raise InputError(source, field, f"not valid JSON ({e.msg}, line {e.lineno})") from None
    except ValueError as e:  # the interpreter's own limits, such as digits in a number
        raise InputError(source, field, f"not valid JSON ({e})") from None


def parse_json_native(text: str, source: str) -> Any:
    """As `parse_json` (the same refusals), with numbers as Python's json reads them:
    for a document that is edited and then validated again as JSON text. A number
    Python cannot hold as it is written (1e400 would be infinity, an integer of
    thousands of digits is past the interpreter's limit) is refused here too."""
    parse_json(text, source)
    try:
        return json.loads(text, parse_int=_native_int, parse_float=_native_float)
    except _Refused as e:
        raise InputError(source, None, str(e)) from None


def _native_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # past sys.get_int_max_str_digits()
        raise _Refused(
            f"a number of {len(text):,} digits is not a number a file may hold"
        ) from None


def _native_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Refused(f"{text} is out of range of a number a file may hold")
    return value
