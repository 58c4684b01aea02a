"""Evidence bundles (por-evidence-v1) read for an offline replay: one loader for every
command, through the same limits and strict JSON as every other file, validated by the
format's own model (chains/evidence.py `Bundle`: its fields, then `problems()`)."""

from pathlib import Path

from chains.evidence import Bundle
from verifier.io.documents import read_json_model, refuse_first
from verifier.io.files import LARGE_LIMIT


def load_bundle(path: Path) -> Bundle:
    """The bundle, or InputError naming the file and the first bad field
    (`records[3].status`); a bundle whose answer does not hash to its record is refused."""
    bundle = read_json_model(path, Bundle, LARGE_LIMIT)
    refuse_first(str(path), bundle.problems())
    return bundle
