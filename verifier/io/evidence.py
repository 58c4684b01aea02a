"""Evidence bundles (por-evidence-v1) read for an offline replay: one loader for every
command, through the same limits and strict JSON as every other file."""

from pathlib import Path

from chains.evidence import Bundle, EvidenceError
from verifier.errors import InputError
from verifier.io.files import LARGE_LIMIT, read_bytes
from verifier.io.jsontext import parse_json


def load_bundle(path: Path) -> Bundle:
    data = read_bytes(path, LARGE_LIMIT)
    parse_json(data, str(path))
    try:
        return Bundle.from_bytes(data, str(path))
    except EvidenceError as e:
        raise InputError(str(path), None, f"evidence bundle refused: {e}") from None
