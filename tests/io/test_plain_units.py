"""The column-at-a-time amount parser against `parse_units`, the one-cell reference:
whatever text a cell holds, the column parser gives exactly parse_units' value, or
declines (None) and leaves the cell to parse_units, which names the problem. A column
parser that returned a wrong amount, or one for a cell parse_units refuses, fails here."""

import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verifier.io.ledger import plain_units
from verifier.models.amounts import MAX_UNITS, AmountError, parse_units

# digits, signs, points, exponents, spaces and a non-ASCII digit: the near misses
CELLS = st.text(alphabet="0123456789.-+e \n\u0663", max_size=45)
SIGNED_UNITS = st.tuples(st.booleans(), st.integers(0, MAX_UNITS - 1))


def _text(units: int, decimals: int) -> str:
    whole, frac = divmod(units, 10**decimals)
    return f"{whole}.{frac:0{decimals}d}" if decimals else str(whole)


def _reference(cell: str, decimals: int) -> int | None:
    try:
        return parse_units(cell, decimals, allow_negative=True)
    except AmountError:
        return None


@settings(max_examples=300, derandomize=True)
@given(st.lists(CELLS, min_size=1, max_size=5), st.integers(0, 20))
@example([str(MAX_UNITS - 1)], 0)
@example([str(MAX_UNITS)], 0)
@example(["-" + str(MAX_UNITS)], 0)
@example(["0" * 60 + "1"], 8)
@example(["1.500"], 2)
@example([".", "-", ""], 8)
def test_any_text_is_parsed_as_parse_units_does_or_left_to_it(
    cells: list[str], decimals: int
) -> None:
    got = plain_units(pa.array(cells, pa.string()), decimals)
    expected = [_reference(c, decimals) for c in cells]
    if got is not None:
        assert got == expected  # no cell parse_units refuses is ever given a value
        assert all(type(v) is int for v in got)


@settings(max_examples=300, derandomize=True)
@given(st.lists(SIGNED_UNITS, min_size=1, max_size=8), st.integers(0, 30), st.integers(0, 30))
def test_every_plain_amount_is_read_exactly_without_falling_back(
    cells: list[tuple[bool, int]], decimals: int, cut: int
) -> None:
    """Plain amounts up to 2^128 - 1 base units, any sign, written with all their
    decimals or with up to `cut` trailing zeros of the fraction left out."""
    texts = [("-" if negative else "") + _text(units, decimals) for negative, units in cells]
    texts = [t.removesuffix("0" * cut) if "." in t else t for t in texts]
    assert plain_units(pa.array(texts, pa.string()), decimals) == [
        parse_units(t, decimals, allow_negative=True) for t in texts
    ]


def test_a_null_or_an_empty_column() -> None:
    assert plain_units(pa.array(["1", None], pa.string()), 2) is None
    assert plain_units(pa.array([], pa.string()), 2) == []
