"""CSV files read with the csv module (ownership lists, reserve lists, other small tables).

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

# One CSV record: the line it ends on, and its cells.
Record = tuple[int, list[str]]


@contextmanager
def _lifted_field_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_records(text: str, source: str) -> list[Record]:
    """Every record of the text, blank ones included (they separate the sections of
    the vendors' multi-table files)."""
    with _lifted_field_limit(max(len(text), FIELD_LIMIT) + 1):
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            return [(reader.line_num, cells) for cells in reader]
        except csv.Error as e:
            raise InputError(source, f"line {reader.line_num}", f"not CSV: {e}") from None


def is_blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


def read_rows(
    text: str, source: str, columns: tuple[str, ...], required: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) for every row of a one-table file."""
    return table(read_records(text, source), source, columns, required)


def table(
    records: list[Record], source: str, columns: tuple[str, ...], required: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    """The rows under the first record, the header; empty cells are left out, so that
    an optional column may stay blank. The header must name known columns only."""
    line, first = records[0] if records else (1, [])
    _check_cells(first, [str(i + 1) for i in range(len(first))], source, line)
    header = [h.strip() for h in first]
    _check_header(header, source, columns, required)
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in records[1:]:
        if is_blank(cells):
            continue
        if len(cells) > len(header):
            raise InputError(source, f"line {line}", "more cells than columns")
        _check_cells(cells, header, source, line)
        rows.append(
            (line, {name: cell for name, cell in zip(header, cells, strict=False) if cell.strip()})
        )
    return rows


def _check_cells(cells: list[str], names: list[str], source: str, line: int) -> None:
    for name, cell in zip(names, cells, strict=False):
        if len(cell) > FIELD_LIMIT:
            raise InputError(
                source,
                f"line {line}, column {name}",
                f"a cell of {len(cell):,} characters, over the limit of {FIELD_LIMIT:,}",
            )


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
