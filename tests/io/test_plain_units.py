"""The compiled fast path for ledger amounts against `parse_units`: the same value for
every cell it takes, and it takes no cell that parse_units refuses or reads as negative
(those go to parse_units, which names the problem)."""

import numpy as np
import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verifier.models.amounts import MAX_UNITS, AmountError, format_units, parse_units
from verifier.tree._fastverify import dec_columns, plain_enc_column

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
