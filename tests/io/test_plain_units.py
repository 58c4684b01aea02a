"""The compiled fast paths for ledger amounts against the Python reader: decimal text
against `parse_units`, Parquet decimals and integers against `Ledger._units`. The same
value for every cell they take, and they take no column the Python path refuses or
reads as negative (those go to it, which names the problem)."""

from pathlib import Path

import numpy as np
import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verifier.errors import InputError
from verifier.io.ledger import Ledger, _plain_into
from verifier.models.amounts import MAX_UNITS, AmountError, format_units, parse_units
from verifier.models.asset import AssetSpec
from verifier.tree._fastverify import dec_columns, plain_enc_column
from verifier.tree.levels import encode_columns

DECIMALS = st.integers(0, 36)
cells = st.one_of(
    st.text(alphabet="0123456789.-+e ٣", max_size=45),
    st.tuples(st.integers(0, MAX_UNITS + 10), DECIMALS).map(lambda p: format_units(*p)),
    st.tuples(st.integers(0, 10**45), st.integers(0, 5)).map(lambda p: f"{p[0]}" + "0" * p[1]),
)


def fast(cells: list[str], decimals: int, skip: int = 0) -> list[int] | None:
    """The column written as the middle asset of three, read back as ints."""
    column = pa.array(["pad"] * skip + cells, pa.string()).slice(skip)
    _, offsets, data = column.buffers()
    out = np.full((len(cells), 48), 0xAB, np.uint8)
    if not plain_enc_column(offsets, data, column.offset, len(column), decimals, out, 1, 3):
        return None
    assert (out[:, :16] == 0xAB).all() and (out[:, 32:] == 0xAB).all()  # the others untouched
    return dec_columns(out, 3)[1]


@settings(max_examples=600)
@given(cell=cells, decimals=DECIMALS, skip=st.integers(0, 3))
@example(cell="340282366920938463463374607431768211455", decimals=0, skip=0)  # 2^128 - 1
@example(cell="340282366920938463463374607431768211456", decimals=0, skip=0)  # 2^128
@example(cell="3402823669209384634633746074317682114.56", decimals=2, skip=0)
@example(cell="1.500", decimals=2, skip=1)
@example(cell="1.501", decimals=2, skip=0)
@example(cell=".", decimals=2, skip=0)
@example(cell="", decimals=2, skip=0)
@example(cell="0" * 60 + "1", decimals=0, skip=0)
def test_the_fast_path_agrees_with_parse_units(cell: str, decimals: int, skip: int) -> None:
    try:
        want: int | None = parse_units(cell, decimals, allow_negative=True)
    except AmountError:
        want = None
    got = fast([cell], decimals, skip)
    if want is None or want < 0 or cell.startswith("-"):
        assert got is None
    else:
        assert got == [want]


def test_one_cell_off_the_path_sends_the_whole_column_to_parse_units() -> None:
    assert fast(["1.5", "2", "0.25"], 2) == [150, 200, 25]
    assert fast(["1.5", "2", "1e3"], 2) is None
    assert fast(["1.5", "-2"], 2) is None


# Parquet's fixed-width amounts: a decimal's unscaled integer, or whole units as an integer
BINARY_TYPES = [
    pa.decimal32(9, 0),
    pa.decimal32(9, 3),
    pa.decimal64(18, 2),
    pa.decimal64(18, 8),
    pa.decimal128(38, 0),
    pa.decimal128(38, 8),
    pa.decimal128(38, -2),  # a negative scale: whole hundreds
    pa.decimal256(76, 0),
    pa.decimal256(76, 6),
    pa.int8(),
    pa.int16(),
    pa.int32(),
    pa.int64(),
    pa.uint8(),
    pa.uint16(),
    pa.uint32(),
    pa.uint64(),
]


def unscaled_range(kind: pa.DataType) -> tuple[int, int]:
    if pa.types.is_decimal(kind):
        top = 10**kind.precision - 1
        return -top, top
    bits = kind.bit_width
    if pa.types.is_signed_integer(kind):
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def binary_array(kind: pa.DataType, unscaled: list[int | None]) -> pa.Array:
    """The column as Parquet hands it over: each value's two's complement, little-endian,
    in the type's width (a decimal's unscaled integer), nulls in a validity bitmap."""
    width = kind.bit_width // 8
    signed = pa.types.is_decimal(kind) or pa.types.is_signed_integer(kind)
    data = b"".join((v or 0).to_bytes(width, "little", signed=signed) for v in unscaled)
    valid = np.packbits([v is not None for v in unscaled], bitorder="little").tobytes()
    return pa.Array.from_buffers(kind, len(unscaled), [pa.py_buffer(valid), pa.py_buffer(data)])


@st.composite
def binary_columns(draw: st.DrawFn) -> tuple[pa.Array, int]:
    """A sliced column of one fixed-width type, mostly zeros (as a wide ledger's are),
    values up to the type's range (negative, and over 2^128 base units, included), now
    and then a null; and the asset's decimals (never fewer than the decimal's scale, as
    the reader's schema check makes sure)."""
    kind = draw(st.sampled_from(BINARY_TYPES))
    low, high = unscaled_range(kind)
    value = st.one_of(
        st.just(0),
        st.integers(0, min(high, 10**6)),
        st.integers(max(low, 0), high),
        st.integers(low, high),
        st.sampled_from([high, max(low, 0)]),
    )
    cells = draw(st.lists(st.one_of(value, st.just(0), st.just(0)), min_size=1, max_size=12))
    if draw(st.integers(0, 9)) == 0:
        cells[draw(st.integers(0, len(cells) - 1))] = None
    skip = draw(st.integers(0, 3))
    column = binary_array(kind, [0] * skip + cells).slice(skip)
    scale = kind.scale if pa.types.is_decimal(kind) else 0
    decimals = draw(st.integers(max(scale, 0), 36))  # AssetSpec allows 0 to 36
    return column, decimals


@settings(max_examples=500)
@given(case=binary_columns())
def test_the_binary_fast_path_agrees_with_the_python_reader(case: tuple[pa.Array, int]) -> None:
    """A Parquet decimal or integer column: what the compiled path writes is what the
    reader's Python path makes of it (`Ledger._units`, then enc), and it declines exactly
    the columns the Python path refuses (a negative, an empty cell, 2^128 base units or
    more), which then name the cell."""
    column, decimals = case
    ledger = Ledger(Path("l.parquet"), [AssetSpec(symbol="X", decimals=decimals)])
    out = np.zeros((len(column), 48), np.uint8)
    taken = _plain_into(column, decimals, out, 1)
    assert (out[:, :16] == 0).all() and (out[:, 32:] == 0).all()  # the others untouched
    try:
        want = ledger._units(column, ledger.assets[0], 1)
    except InputError:
        assert not taken
        return
    assert taken
    assert out[:, 16:32].tobytes() == encode_columns([want]).tobytes()


def test_a_zero_cell_is_not_written() -> None:
    """The caller zeroes the rows: a zero cell leaves what is there, a non-zero one
    writes all 16 bytes."""
    out = np.full((3, 16), 0xAB, np.uint8)
    assert _plain_into(pa.array([0, 5, 0], pa.int64()), 0, out, 0)
    assert (out[0] == 0xAB).all() and (out[2] == 0xAB).all()
    assert out[1].tobytes() == (5).to_bytes(16, "big")
