"""CSV files read with the csv module (ownership lists and other small tables).

The csv module stops at a field of more than 131,072 characters with an error that
names neither line nor column; here the whole (already size-limited) text is read
with the limit lifted, and a field over it is bad input naming its line and column.
Ledgers, which can hold hundreds of millions of rows, are read by pyarrow instead
(`verifier/io/ledger.py`).
"""

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager

from verifier.errors import InputError

FIELD_LIMIT = 131_072  # the csv module's own default, kept as the limit of a cell


@contextmanager
def _lifted_field_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_rows(
    text: str, source: str, columns: tuple[str, ...], required: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) for every row; empty cells are left out, so that
    an optional column may stay blank. The header must name known columns only."""
    with _lifted_field_limit(max(len(text), FIELD_LIMIT) + 1):
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [h.strip() for h in next(reader, [])]
            _check_header(header, source, columns, required)
            rows: list[tuple[int, dict[str, str]]] = []
            for cells in reader:
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(header):
                    raise InputError(source, f"line {line}", "more cells than columns")
                row: dict[str, str] = {}
                for name, cell in zip(header, cells, strict=False):
                    if len(cell) > FIELD_LIMIT:
                        raise InputError(
                            source,
                            f"line {line}, column {name}",
                            f"a cell of {len(cell):,} characters, over the limit of {FIELD_LIMIT:,}",
                        )
                    if cell.strip():
                        row[name] = cell
                rows.append((line, row))
        except csv.Error as e:
            raise InputError(source, f"line {reader.line_num}", f"not CSV: {e}") from None
    return rows


def _check_header(
    header: list[str], source: str, columns: tuple[str, ...], required: tuple[str, ...]
) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(source, "header", f"missing column(s) {', '.join(missing)}")
    unknown = [h for h in header if h not in columns]
    if unknown:
        raise InputError(source, "header", f"unknown column(s) {', '.join(unknown)}")
    if len(set(header)) != len(header):
        raise InputError(source, "header", "a column is named twice")
