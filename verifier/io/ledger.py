"""Read a customer ledger (CSV or Parquet) in batches, as exact integer balances.

pyarrow reads both formats in batches so that memory stays bounded however many
accounts there are. An amount is decimal text parsed exactly, a Parquet decimal read
from its unscaled integer (casting it to text would give "1E-8"), or a Parquet
integer counted in whole units of the asset. Every other column type (float, binary,
bool, timestamp, list, struct, map...) is refused by name before any row is read: a
float cannot hold amounts exactly, and the others are not amounts at all.

Whatever is wrong ends as one InputError naming the file and, where there is one,
the row (the N-th account, `row N, column BTC`) or the CSV line: a cell that is not
UTF-8, a NUL byte or nothing in an account id, a line with the wrong number of
fields or too long for a reader's block, a Parquet file that is truncated or corrupt
(also when only a later row group is).
"""

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from verifier.errors import InputError
from verifier.io.files import open_binary
from verifier.models.amounts import MAX_UNITS, AmountError, format_units, parse_units
from verifier.models.asset import AssetSpec
from verifier.tree._fastverify import binary_enc_column, dec_columns, plain_enc_column
from verifier.tree.levels import encode_columns

ID_COLUMN = "account_id"
BATCH_ROWS = 65536
# pyarrow's CSV block: a line longer than about two blocks cannot be read at all, so
# a line (and the header) may be at most one block long.
BLOCK_BYTES = 1 << 22

# What pyarrow raises for a file it cannot read: its own errors, and OSError for
# corrupt compressed pages ("Corrupt snappy compressed data").
_UNREADABLE = (pa.ArrowException, OSError)


class LedgerBatch:
    """Rows `first_row`.. (1-based data rows) with their balances in base units, in the
    asset order of the tree: one list of int per asset (`balances`), or rows of
    enc(balances), 16 bytes big-endian a value (`encoded`, what a leaf hashes). Given
    one, the other is derived on first use: the ledger reader fills `encoded` straight
    from the file's text, decimals or integers, and a tree build never makes an int of
    an amount (unless a column holds a cell the compiled path declines, to name it)."""

    def __init__(
        self,
        first_row: int,
        account_ids: list[str],
        balances: list[list[int]] | None = None,
        *,
        encoded: np.ndarray | None = None,
    ) -> None:
        if (balances is None) == (encoded is None):
            raise ValueError("LedgerBatch: give the balances or their encoding, not both")
        self.first_row = first_row
        self.account_ids = account_ids
        if balances is not None:
            self.__dict__["balances"] = balances
        if encoded is not None:
            self.__dict__["encoded"] = encoded

    @cached_property
    def balances(self) -> list[list[int]]:
        encoded: np.ndarray = self.encoded
        return dec_columns(encoded, encoded.shape[1] // 16)

    @cached_property
    def encoded(self) -> np.ndarray:
        return encode_columns(self.balances)


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
        with self._open() as (handle, parquet):
            if parquet:
                return int(self._parquet_file(handle).metadata.num_rows)
            return sum(batch.num_rows for batch in self._csv_batches(handle, [ID_COLUMN]))

    def batches(self) -> Iterator[LedgerBatch]:
        row = 1
        with self._open() as (handle, parquet):
            source = self._parquet_batches(handle) if parquet else self._csv_batches(handle)
            # a CSV block of short lines holds hundreds of thousands of rows: as Python
            # objects at most BATCH_ROWS at a time, so that a batch's memory is bounded
            for block in source:
                for start in range(0, block.num_rows, BATCH_ROWS):
                    batch = block.slice(start, BATCH_ROWS)
                    ids = self._account_ids(batch.column(ID_COLUMN), row)
                    encoded = np.zeros((len(ids), 16 * len(self.assets)), np.uint8)
                    for j, asset in enumerate(self.assets):
                        column = batch.column(asset.symbol)
                        if not _plain_into(column, asset.decimals, encoded, j):
                            values = [self._units(column, asset, row)]
                            encoded[:, 16 * j : 16 * j + 16] = encode_columns(values)
                    yield LedgerBatch(row, ids, encoded=encoded)
                    row += len(ids)
                    self.rows = row - 1

    def _where(self, row: int, column: str) -> str:
        return f"row {row}, column {column}"

    def _account_ids(self, column: pa.Array, first_row: int) -> list[str]:
        if not pa.types.is_string(column.type):
            column = column.cast(pa.string())  # integer ids, written as their digits
        ids: list[str | None] = column.to_pylist()
        # checked by pyarrow, and only a column that fails is walked to name the row: a
        # Python loop over every id cost more than a second at 10M accounts
        if column.null_count or pc.any(pc.equal(pc.binary_length(column), 0)).as_py():
            i = next(i for i, account_id in enumerate(ids) if not account_id)
            raise InputError(
                str(self.path), self._where(first_row + i, ID_COLUMN), "empty account id"
            )
        if pc.any(pc.match_substring(column, "\x00")).as_py():
            i = next(i for i, a in enumerate(ids) if a is not None and "\x00" in a)
            problem = "the account id holds a NUL byte"
            raise InputError(str(self.path), self._where(first_row + i, ID_COLUMN), problem)
        return ids  # type: ignore[return-value] # every one checked above

    def _units(self, column: pa.Array, asset: AssetSpec, first_row: int) -> list[int]:
        """The column's values in base units of `asset`, range- and sign-checked."""
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        kind = column.type
        values: Sequence[int | None]
        if pa.types.is_decimal(kind):
            values = _decimal_units(column, asset.decimals)
        elif pa.types.is_integer(kind):
            scale = 10**asset.decimals
            values = [None if v is None else v * scale for v in column.to_pylist()]
        else:  # text that is not all plain (`_plain_into`): parsed to name what is wrong
            values = self._parsed(column.cast(pa.string()).to_pylist(), asset, first_row)
        present = [v for v in values if v is not None]
        out_of_range = bool(present) and (max(present) >= MAX_UNITS or min(present) <= -MAX_UNITS)
        if len(present) == len(values) and not out_of_range and (not present or min(present) >= 0):
            return values  # type: ignore[return-value] # no None: the common case, one pass
        out: list[int] = []
        for i, v in enumerate(values):
            where = self._where(first_row + i, asset.symbol)
            if v is None:
                raise InputError(str(self.path), where, "empty value")
            shown = format_units(v, asset.decimals)
            if abs(v) >= MAX_UNITS:
                raise InputError(str(self.path), where, f"{shown!r} is 2^128 base units or more")
            if v < 0:
                if not self.negative_to_zero:
                    raise InputError(
                        str(self.path),
                        where,
                        f"negative balance {shown} (customer debt); --negative zero counts it as zero",
                    )
                self.negatives_zeroed += 1
                v = 0
            out.append(v)
        return out

    def _parsed(
        self, texts: list[str | None], asset: AssetSpec, first_row: int
    ) -> list[int | None]:
        decimals = asset.decimals
        out: list[int | None] = []
        for i, text in enumerate(texts):
            if not text:
                out.append(None)
                continue
            try:
                out.append(parse_units(text, decimals, allow_negative=True))
            except AmountError as e:
                raise InputError(
                    str(self.path), self._where(first_row + i, asset.symbol), str(e)
                ) from None
        return out

    @contextmanager
    def _open(self) -> Iterator[tuple[BinaryIO, bool]]:
        """The ledger, opened once for one pass, and whether it is Parquet."""
        with open_binary(self.path) as handle:
            try:
                parquet = handle.read(4) == b"PAR1"
                handle.seek(0)
            except OSError as e:
                raise InputError(str(self.path), None, f"cannot read ({e.strerror})") from None
            yield handle, parquet

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

    # CSV

    def _csv_header(self, handle: BinaryIO) -> list[str]:
        line = handle.readline(BLOCK_BYTES + 1)
        handle.seek(0)
        if len(line) > BLOCK_BYTES:
            raise InputError(str(self.path), "header", f"longer than {BLOCK_BYTES:,} bytes")
        try:
            header = re.split("\r\n|\r|\n", line.decode("utf-8-sig"), maxsplit=1)[0]
        except UnicodeDecodeError:
            raise InputError(str(self.path), "header", "not UTF-8 text") from None
        if not header:
            raise InputError(str(self.path), "header", "empty file")
        if "\x00" in header:
            raise InputError(str(self.path), "header", "holds a NUL byte")
        try:
            return next(csv.reader([header]))
        except csv.Error as e:
            raise InputError(str(self.path), "header", f"not CSV: {e}") from None

    def _csv_batches(
        self, handle: BinaryIO, only: list[str] | None = None
    ) -> Iterator[pa.RecordBatch]:
        """All columns as text, or `only` these (counting rows needs just one). Cells
        are read as bytes and checked to be UTF-8 here, so that a bad one is named by
        its row and column (pyarrow's own check names neither)."""
        columns = self._csv_header(handle)
        self._check_columns(columns)
        bad_rows: list[str] = []

        def on_invalid_row(row: pacsv.InvalidRow) -> str:
            line = f"line {row.number}" if row.number is not None else "a line"
            bad_rows.append(
                f"{line} has {row.actual_columns} fields, the header {row.expected_columns}"
            )
            return "error"

        row = 1
        try:
            reader = pacsv.open_csv(
                handle,
                read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=False),
                # a quoted value may hold a newline wherever a block happens to end
                parse_options=pacsv.ParseOptions(
                    newlines_in_values=True, invalid_row_handler=on_invalid_row
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=only or columns,
                    column_types={c: pa.binary() for c in columns},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            for batch in reader:
                yield self._as_text(batch, row)
                row += batch.num_rows
        except _UNREADABLE as e:
            message = str(e).splitlines()[0] if str(e) else type(e).__name__
            if bad_rows:
                raise InputError(str(self.path), None, bad_rows[0]) from None
            if "straddling" in message:
                raise self._long_line(columns) from None
            raise InputError(str(self.path), None, f"not a readable CSV: {message}") from None

    def _as_text(self, batch: pa.RecordBatch, first_row: int) -> pa.RecordBatch:
        texts = []
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            try:
                texts.append(column.cast(pa.string()))
            except pa.ArrowInvalid:
                i = next(i for i, cell in enumerate(column.to_pylist()) if not _utf8(cell))
                raise InputError(
                    str(self.path), self._where(first_row + i, name), "not UTF-8 text"
                ) from None
        return pa.RecordBatch.from_arrays(texts, names=batch.schema.names)

    def _long_line(self, columns: list[str]) -> InputError:
        """The line pyarrow could not fit in its blocks, found by reading line by line
        (bounded: at most one block at a time), and the column whose cell runs past."""
        too_long = f"more than {BLOCK_BYTES:,} bytes"
        with open_binary(self.path) as f:
            for number, line in enumerate(_bounded_lines(f), start=1):
                if len(line) <= BLOCK_BYTES:
                    continue
                cell = _cell_at(line[:BLOCK_BYTES])
                if cell < len(columns):
                    name = columns[cell]
                    return InputError(
                        str(self.path), f"line {number}, column {name}", f"a cell of {too_long}"
                    )
                return InputError(str(self.path), f"line {number}", f"a line of {too_long}")
        return InputError(str(self.path), None, f"a line of {too_long}")

    # Parquet

    def _parquet_file(self, handle: BinaryIO) -> pq.ParquetFile:
        try:
            return pq.ParquetFile(handle, page_checksum_verification=True)
        except _UNREADABLE as e:
            raise self._unreadable_parquet(e) from None

    def _unreadable_parquet(self, e: Exception) -> InputError:
        message = str(e).splitlines()[0] if str(e) else type(e).__name__
        return InputError(str(self.path), None, f"not a readable Parquet file: {message}")

    def _parquet_batches(self, handle: BinaryIO) -> Iterator[pa.RecordBatch]:
        pf = self._parquet_file(handle)
        schema = pf.schema_arrow
        self._check_columns(schema.names)
        decimals = {a.symbol: a.decimals for a in self.assets}
        for f in schema:
            problem = _column_problem(f.type, decimals.get(f.name), f.name)
            if problem:
                raise InputError(str(self.path), f"column {f.name}", problem)
        try:
            yield from pf.iter_batches(batch_size=BATCH_ROWS)
        except _UNREADABLE as e:
            raise self._unreadable_parquet(e) from None


def _column_problem(kind: pa.DataType, decimals: int | None, name: str) -> str | None:
    """Why a Parquet column of this type cannot be the account ids (`decimals` None)
    or an amount of an asset with `decimals`; None when it can."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    text = (
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )
    if text or pa.types.is_integer(kind):
        return None
    if decimals is None:
        return f"{kind} cannot hold account ids: store them as text or integers"
    if pa.types.is_decimal(kind):
        scale = kind.scale  # every decimal type has one
        if scale > decimals:
            return f"{kind} has scale {scale}, more than the {decimals} decimals of {name}"
        return None
    why = "cannot hold amounts exactly" if pa.types.is_floating(kind) else "is not an amount"
    return f"{kind} {why}: store them as decimal text, decimals or integers (whole units)"


_DECIMAL_TYPES: dict[int, Callable[[int, int], pa.DataType]] = {
    32: pa.decimal32,
    64: pa.decimal64,
    128: pa.decimal128,
    256: pa.decimal256,
}


def _decimal_units(column: pa.Array, decimals: int) -> list[int | None]:
    """Exact base units of a decimal column: the same bytes read as a decimal of scale
    0 are the unscaled integers, whose text has no exponent; `_column_problem` made sure
    the scale is at most `decimals`."""
    kind = column.type
    unscaled_type = _DECIMAL_TYPES[kind.bit_width](kind.precision, 0)
    unscaled = pa.Array.from_buffers(
        unscaled_type, len(column), column.buffers(), offset=column.offset
    )
    factor = 10 ** (decimals - kind.scale)
    return [None if t is None else int(t) * factor for t in unscaled.cast(pa.string()).to_pylist()]


def _plain_into(column: pa.Array, decimals: int, encoded: np.ndarray, j: int) -> bool:
    """Asset `j` of the rows of enc(balances) in `encoded`, parsed in the compiled
    extension when every cell is plain: decimal text (digits and one point), a Parquet
    decimal or integer, none empty, negative or of 2^128 base units or more; False
    otherwise, for `_units` to parse the column and name what is wrong."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    kind = column.type
    if column.null_count or len(column) == 0:
        return False
    k = encoded.shape[1] // 16
    if pa.types.is_decimal(kind) or pa.types.is_integer(kind):
        decimal = pa.types.is_decimal(kind)
        exponent = decimals - kind.scale if decimal else decimals
        if exponent < 0:  # more fractional digits than the asset has (`_column_problem`)
            return False
        return binary_enc_column(
            column.buffers()[1],
            column.offset,
            len(column),
            kind.bit_width // 8,
            decimal or pa.types.is_signed_integer(kind),
            exponent,
            encoded,
            j,
            k,
        )
    column = column.cast(pa.string())  # Parquet's other text types
    _, offsets, data = column.buffers()
    return plain_enc_column(offsets, data, column.offset, len(column), decimals, encoded, j, k)


def _utf8(cell: bytes | None) -> bool:
    try:
        (cell or b"").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _cell_at(prefix: bytes) -> int:
    """The 0-based cell a CSV line has reached at the end of `prefix`: its commas outside
    quotes ("" inside quotes toggles twice). The csv module cannot tell: it refuses a
    cell past 131,072 characters before it says which cell it was in."""
    cell, quoted = 0, False
    for byte in prefix:
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x2C and not quoted:
            cell += 1
    return cell


def _bounded_lines(f: BinaryIO) -> Iterator[bytes]:
    """The file's lines, each cut after one block and a byte: the rest of a longer line
    is skipped, so memory stays bounded whatever the file holds."""
    while line := f.readline(BLOCK_BYTES + 1):
        yield line
        while not line.endswith(b"\n") and (line := f.readline(BLOCK_BYTES + 1)):
            pass
