"""The committed JSON Schemas in schemas/ are the ones the models give today."""

from pathlib import Path

from tests.conftest import ROOT
from verifier.schemas import schema_texts


def test_committed_schemas_are_current() -> None:
    folder = ROOT / "schemas"
    want = schema_texts()
    have = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.schema.json")}
    stale = sorted(n for n in want.keys() | have.keys() if want.get(n) != have.get(n))
    assert not stale, f"run `python scripts/export_schemas.py`: {stale} differ"


def test_the_attestation_schema_says_money_is_a_string() -> None:
    text = schema_texts()["attestation.schema.json"]
    assert '"pattern": "^[0-9]+(\\\\.[0-9]+)?$"' in text
    assert Path(ROOT / "schemas" / "report.schema.json").is_file()
