"""Read a customer ledger (CSV or Parquet) in batches, as exact integer balances.

pyarrow reads both formats in batches so that memory stays bounded however many
accounts there are. Every value is read as text and parsed exactly: a float
column could not hold amounts exactly and is refused.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from verifier.errors import InputError
from verifier.models.amounts import AmountError, parse_units
from verifier.models.asset import AssetSpec

ID_COLUMN = "account_id"
BATCH_ROWS = 65536


@dataclass
class LedgerBatch:
    """Rows `first_row`.. (1-based data rows) with balances per asset, in base units."""

    first_row: int
    account_ids: list[str]
    balances: list[list[int]]  # one list per asset, in the asset order of the tree


class Ledger:
    """A ledger file and the asset columns it must hold."""

    def __init__(self, path: Path, assets: Sequence[AssetSpec], *, negative_to_zero: bool = False):
        self.path = path
        self.assets = list(assets)
        self.negative_to_zero = negative_to_zero
        self.negatives_zeroed = 0
        self.rows = 0

    def count_rows(self) -> int:
        """Data rows, counted before any hashing so that a tree too small fails at once
        and the leaf array can be allocated once (the CSV is parsed for its first column only)."""
        if _is_parquet(self._existing()):
            return int(pq.ParquetFile(self.path).metadata.num_rows)
        return sum(batch.num_rows for batch in self._csv_batches([ID_COLUMN]))

    def batches(self) -> Iterator[LedgerBatch]:
        row = 1
        for batch in self._record_batches():
            ids = batch.column(ID_COLUMN).to_pylist()
            for i, account_id in enumerate(ids):
                if not account_id:
                    raise InputError(
                        str(self.path), f"row {row + i}, column {ID_COLUMN}", "empty account id"
                    )
            balances = [
                self._parse_column(batch.column(a.symbol).to_pylist(), a, row) for a in self.assets
            ]
            yield LedgerBatch(row, ids, balances)
            row += len(ids)
            self.rows = row - 1

    def _parse_column(self, texts: list[str | None], asset: AssetSpec, first_row: int) -> list[int]:
        decimals = asset.decimals
        out = []
        for i, text in enumerate(texts):
            try:
                v = parse_units(text or "", decimals, allow_negative=True)
            except AmountError as e:
                problem = "empty value" if not text else str(e)
                raise InputError(
                    str(self.path), f"row {first_row + i}, column {asset.symbol}", problem
                ) from None
            if v < 0:
                if not self.negative_to_zero:
                    raise InputError(
                        str(self.path),
                        f"row {first_row + i}, column {asset.symbol}",
                        f"negative balance {text} (customer debt); --negative zero counts it as zero",
                    )
                self.negatives_zeroed += 1
                v = 0
            out.append(v)
        return out

    def _existing(self) -> Path:
        if not self.path.is_file():
            raise InputError(str(self.path), None, "no such file")
        return self.path

    def _record_batches(self) -> Iterator[pa.RecordBatch]:
        if _is_parquet(self._existing()):
            yield from self._parquet_batches()
        else:
            yield from self._csv_batches()

    def _check_columns(self, names: list[str]) -> None:
        where = str(self.path)
        if not names or names[0] != ID_COLUMN:
            raise InputError(where, "header", f"the first column must be {ID_COLUMN!r}")
        symbols = [a.symbol for a in self.assets]
        for name in names[1:]:
            if name not in symbols:
                raise InputError(
                    where, f"column {name}", "not one of the tree's assets " + ",".join(symbols)
                )
        if len(set(names)) != len(names):
            raise InputError(where, "header", "a column is named twice")
        for symbol in symbols:
            if symbol not in names:
                raise InputError(where, f"column {symbol}", "missing: every asset needs a column")

    def _csv_header(self) -> list[str]:
        try:
            with open(self.path, "rb") as f:
                header = f.readline().decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise InputError(str(self.path), "header", "not UTF-8 text") from None
        if not header:
            raise InputError(str(self.path), "header", "empty file")
        return list(pacsv.read_csv(pa.py_buffer((header + "\n").encode())).schema.names)

    def _csv_batches(self, only: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        """All columns as text, or `only` these (counting rows needs just one)."""
        where = str(self.path)
        columns = self._csv_header()
        self._check_columns(columns)
        bad_rows: list[str] = []

        def on_invalid_row(row: pacsv.InvalidRow) -> str:
            line = f"line {row.number}" if row.number is not None else "a line"
            bad_rows.append(
                f"{line} has {row.actual_columns} fields, the header {row.expected_columns}"
            )
            return "error"

        try:
            reader = pacsv.open_csv(
                self.path,
                read_options=pacsv.ReadOptions(block_size=1 << 22, use_threads=False),
                parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid_row),
                convert_options=pacsv.ConvertOptions(
                    include_columns=only or columns,
                    column_types={c: pa.string() for c in columns},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            yield from reader
        except pa.ArrowInvalid as e:
            problem = bad_rows[0] if bad_rows else f"not a readable CSV: {str(e).splitlines()[0]}"
            raise InputError(where, None, problem) from None

    def _parquet_batches(self) -> Iterator[pa.RecordBatch]:
        where = str(self.path)
        pf = pq.ParquetFile(self.path)
        schema = pf.schema_arrow
        self._check_columns(schema.names)
        for f in schema:
            if pa.types.is_floating(f.type):
                raise InputError(
                    where,
                    f"column {f.name}",
                    f"{f.type} cannot hold amounts exactly: store them as text",
                )
        for batch in pf.iter_batches(batch_size=BATCH_ROWS):
            yield batch.cast(pa.schema([(n, pa.string()) for n in batch.schema.names]))


def _is_parquet(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"PAR1"
