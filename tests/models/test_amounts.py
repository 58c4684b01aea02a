"""Exact decimal text <-> base units, the conversion every ledger value goes through."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.models.amounts import MAX_UNITS, AmountError, format_units, parse_units


@given(units=st.integers(0, MAX_UNITS - 1), decimals=st.integers(0, 36))
def test_format_then_parse_is_the_identity(units: int, decimals: int) -> None:
    assert parse_units(format_units(units, decimals), decimals) == units


@given(units=st.integers(1, 10**30), decimals=st.integers(0, 18), zeros=st.integers(1, 5))
def test_trailing_zeros_are_exact_and_one_digit_too_many_is_refused(
    units: int, decimals: int, zeros: int
) -> None:
    text = format_units(units, decimals)
    padded = text + ("." if "." not in text else "") + "0" * zeros
    assert parse_units(padded, decimals) == units
    too_precise = text + ("." if "." not in text else "") + "0" * (decimals) + "1"
    with pytest.raises(AmountError, match="more than"):
        parse_units(too_precise, decimals)


@pytest.mark.parametrize(
    "text", ["", ".", "1e3", "+1", "1.2.3", "0x10", " 1", "1 ", "\u0661", "--1", "1_000"]
)
def test_what_is_not_a_plain_decimal_is_refused(text: str) -> None:
    with pytest.raises(AmountError):
        parse_units(text, 8, allow_negative=True)


def test_negatives_only_when_allowed_and_the_2_to_128_bound() -> None:
    assert parse_units("-0.5", 2, allow_negative=True) == -50
    with pytest.raises(AmountError, match="negative"):
        parse_units("-0.5", 2)
    assert parse_units(str(MAX_UNITS - 1), 0) == MAX_UNITS - 1
    with pytest.raises(AmountError, match="2\\^128"):
        parse_units(str(MAX_UNITS), 0)
