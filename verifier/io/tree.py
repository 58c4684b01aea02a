"""The files around a built tree that users hand in: the published root.json, and the
list of account ids whose proofs `tree export` should cut."""

from pathlib import Path

from verifier.errors import InputError
from verifier.io.documents import read_json_model, refuse_first
from verifier.io.files import read_text
from verifier.models.tree import TreeRoot


def load_root(path: Path) -> TreeRoot:
    root = read_json_model(path, TreeRoot)
    refuse_first(str(path), root.problems())
    return root


def read_account_ids(path: Path) -> list[str]:
    """One account id per line; blank lines skipped, an id listed twice refused (its
    proof would be delivered twice)."""
    ids: list[str] = []
    first: dict[str, int] = {}
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        account_id = line.strip()
        if not account_id:
            continue
        if account_id in first:
            raise InputError(
                str(path),
                f"line {number}",
                f"{account_id!r} is already listed on line {first[account_id]}",
            )
        first[account_id] = number
        ids.append(account_id)
    if not ids:
        raise InputError(str(path), None, "no account ids in the file")
    return ids
