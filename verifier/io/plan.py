"""A plan's own files as `administer check` reads them back (the `por verify` report a
plan starts from is read by verifier/io/report.py, as the history reads it).

A plan is checked by comparing it with a recomputed one, so its files are read as
they are (the tables as text, summary.json and root.json as parsed JSON), never
through a model that would refuse or normalise the very change the check must name."""

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from verifier.errors import InputError
from verifier.io.files import open_binary, read_text
from verifier.io.jsontext import parse_json
from verifier.models.plan import PLAN_COLUMNS


def read_document(path: Path) -> Any:
    """A JSON file as parsed (strictly: no key twice, no NaN), without a model."""
    return parse_json(read_text(path), str(path))


def read_plan_table(path: Path) -> pa.Table:
    """plan.parquet or plan.csv (told apart by content) as text columns."""
    with open_binary(path) as handle:
        try:
            parquet = handle.read(4) == b"PAR1"
            handle.seek(0)
            if parquet:
                table = pq.read_table(handle)
            else:
                table = pacsv.read_csv(
                    handle,
                    convert_options=pacsv.ConvertOptions(
                        column_types=dict.fromkeys(PLAN_COLUMNS, pa.string()),
                        strings_can_be_null=False,
                        quoted_strings_can_be_null=False,
                    ),
                )
        except (pa.ArrowException, OSError) as e:
            message = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise InputError(str(path), None, f"not a readable plan table: {message}") from None
    if tuple(table.column_names) != PLAN_COLUMNS:
        problem = f"the columns must be {', '.join(PLAN_COLUMNS)}"
        raise InputError(str(path), "header", problem)
    for name, column in zip(table.column_names, table.columns, strict=True):
        if not pa.types.is_string(column.type):
            raise InputError(str(path), f"column {name}", f"{column.type} is not text")
    return table.combine_chunks()
