"""The check building blocks: composition, comparisons with unknowns, exact numbers."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.models.check import CheckResult, Status
from verifier.models.numbers import format_decimal, format_truncated, parse_decimal
from verifier.reconcile.checks import AllOf, AnyOf, AtLeast, AtMost, Check, Given
from verifier.reconcile.observations import Unknown
from verifier.reconcile.quantity import largest, product, total


def _given(status: Status, id: str = "x") -> Check:
    return Given(CheckResult(id=id, status=status), "given")


statuses = st.lists(st.sampled_from(list(Status)), min_size=1, max_size=8)


def test_an_empty_composite_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one part"):
        AllOf("all", [], "m")
    with pytest.raises(ValueError, match="at least one part"):
        AnyOf("any", [], "m")


@given(statuses)
def test_all_of(ss: list[Status]) -> None:
    r = AllOf("all", [_given(s, f"c{i}") for i, s in enumerate(ss)], "m").verify()
    if Status.FAIL in ss:
        assert r.status is Status.FAIL
    elif Status.INCONCLUSIVE in ss:
        assert r.status is Status.INCONCLUSIVE
    else:
        assert r.status is Status.PASS
    assert [p.status for p in r.evidence["parts"]] == ss


@given(statuses)
def test_any_of(ss: list[Status]) -> None:
    r = AnyOf("any", [_given(s) for s in ss], "m").verify()
    if Status.PASS in ss:
        assert r.status is Status.PASS
    elif Status.INCONCLUSIVE in ss:
        assert r.status is Status.INCONCLUSIVE
    else:
        assert r.status is Status.FAIL


def test_a_composite_names_the_parts_that_did_not_pass() -> None:
    r = AllOf("all", [_given(Status.PASS, "a"), _given(Status.FAIL, "b")], "m").verify()
    assert r.reason == "1 pass, 1 fail: b"


amounts = st.integers(min_value=0, max_value=2**128)


@given(amounts, amounts)
def test_at_least_and_at_most(a: int, b: int) -> None:
    assert (AtLeast("c", "m", a, b, str).verify().status is Status.PASS) == (a >= b)
    assert (AtMost("c", "m", a, b, str).verify().status is Status.PASS) == (a <= b)


@given(amounts)
def test_an_unknown_side_is_inconclusive_never_pass(a: int) -> None:
    for actual, required in [(Unknown("no price"), a), (a, Unknown("no price"))]:
        r = AtLeast("c", "m", actual, required, str).verify()
        assert r.status is Status.INCONCLUSIVE
        assert "no price" in r.reason


def test_unknowns_keep_every_reason_once() -> None:
    q = total([1, Unknown("a"), product(Unknown("b"), 2), Unknown("a")])
    assert q == Unknown("a; b")
    assert largest([1, 5, Unknown("c")]) == Unknown("c")
    assert largest([1, 5, 3]) == 5


decimals_text = st.from_regex(r"[0-9]{1,30}(\.[0-9]{1,30})?", fullmatch=True)


@given(decimals_text)
def test_decimal_text_round_trips_exactly(text: str) -> None:
    value = parse_decimal(text)
    assert parse_decimal(format_decimal(value)) == value
    whole, _, frac = text.partition(".")
    assert value == Fraction(int(whole + frac), 10 ** len(frac))


@given(st.fractions(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=12))
def test_truncation_is_toward_zero(x: Fraction, places: int) -> None:
    shown = parse_decimal(format_truncated(x, places))
    assert shown <= x < shown + Fraction(1, 10**places)


@pytest.mark.parametrize(
    "text", ["", "1.", ".5", "-1", "+1", "1e5", "1_000", " 1", "\u0661", "NaN"]
)
def test_decimal_text_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_a_fraction_without_a_finite_decimal_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        format_decimal(Fraction(1, 3))
