"""Write the JSON Schema of every file format into schemas/ (run after a model changes;
tests/test_schemas.py fails while the committed copies are stale)."""

from pathlib import Path

from verifier.schemas import schema_texts

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def main() -> None:
    SCHEMAS.mkdir(exist_ok=True)
    for name, text in schema_texts().items():
        (SCHEMAS / name).write_text(text, encoding="utf-8")
        print(f"wrote schemas/{name}")


if __name__ == "__main__":
    main()
