"""The compiled fast path (verifier/tree/_fastverify.c) may only say "certainly
included" where the Python verifier says included: any other answer sends the proof
to Python. Checked both ways that matter: every ordinary proof takes the fast path,
and no changed proof is ever let through by it."""

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.tree.test_tamper import _get, _set, hash_fields, sum_fields
from verifier.errors import InputError
from verifier.models.proof import parse_proof
from verifier.tree._fastverify import included as fast
from verifier.tree.prove import Prover, proof_json, proof_json_line
from verifier.tree.verify import verify_proof


def python_included(raw: bytes, published: str | None) -> bool:
    try:
        return verify_proof(parse_proof(raw, "proof"), published).included
    except InputError:
        return False


def agree(raw: bytes, published: str | None) -> bool:
    """The fast path's answer, after checking it is one it may give."""
    said = fast(raw, None if published is None else published.encode())
    if said:
        assert python_included(raw, published), raw[:300]
    return said


@pytest.fixture(scope="module")
def demo_proofs() -> list[dict[str, Any]]:
    prover = Prover(ROOT / "fixtures" / "demo" / "tree")
    return [p for _, p in zip(range(200), prover.all(), strict=False)]


def test_every_ordinary_proof_takes_the_fast_path(
    demo_proofs: list[dict[str, Any]], shared: Path
) -> None:
    published = demo_proofs[0]["root_commitment"]
    for p in demo_proofs:
        for raw in (proof_json_line(p).encode(), proof_json(p).encode()):
            assert agree(raw, published) and agree(raw, None)
    vector = (shared / "spec" / "por-mst-v1-vector-1.json").read_bytes()
    assert agree(vector, json.loads(vector)["root_commitment"])


def test_another_published_commitment_is_not_certain(demo_proofs: list[dict[str, Any]]) -> None:
    raw = proof_json_line(demo_proofs[0]).encode()
    assert not agree(raw, "ab" * 32)
    assert not fast(raw, b"not hex")


@pytest.mark.parametrize(
    "raw_change",
    [
        lambda t: t.replace('"account_id":"', '"account_id":"\\u0063'),  # an escape: Python decides
        lambda t: t.replace('{"format"', '{"format":"por-mst-v1","format"'),  # a key twice
        lambda t: "\ufeff" + t,  # a byte-order mark
        lambda t: t.replace('"index":', '"index":0'),  # a leading zero
        lambda t: t[:-1] + ',"extra":1}',
        lambda t: t.replace('"height":32', '"height":32.0'),
    ],
)
def test_what_the_fast_path_does_not_read_goes_to_python(
    demo_proofs: list[dict[str, Any]], raw_change: Any
) -> None:
    raw = raw_change(proof_json_line(demo_proofs[0])).encode()
    assert not agree(raw, None)


def test_each_field_changed_is_never_certain(demo_proofs: list[dict[str, Any]]) -> None:
    proof = demo_proofs[5]
    for field in hash_fields(proof):
        value = _get(proof, field)
        changed = _set(proof, field, value[:10] + ("0" if value[10] != "0" else "1") + value[11:])
        assert not agree(json.dumps(changed).encode(), None), field
    for field in sum_fields(proof):
        value = int(_get(proof, field))
        for new in (value + 1, value - 1, 2**128, 2**128 - 1):
            if new >= 0 and new != value:
                assert not agree(json.dumps(_set(proof, field, str(new))).encode(), None), field
    for field, new in (
        ("index", proof["index"] ^ 4),
        ("snapshot_id", "other"),
        ("height", 31),
        ("account_id", "mallory"),
    ):
        assert not agree(json.dumps(_set(proof, (field,), new)).encode(), None), field


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_byte_edit_gets_through_the_fast_path_alone(
    demo_proofs: list[dict[str, Any]], data: st.DataObject
) -> None:
    """Property: after any 1-3 byte edits the fast path says included only where Python does."""
    raw = bytearray(proof_json_line(data.draw(st.sampled_from(demo_proofs))).encode())
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(raw) - 1))
        kind = data.draw(st.sampled_from(["set", "delete", "insert"]))
        byte = data.draw(st.sampled_from(b'0123456789abcdef"{}[],:. -\\e\n'))
        if kind == "set":
            raw[at] = byte
        elif kind == "delete":
            del raw[at]
        else:
            raw.insert(at, byte)
    agree(bytes(raw), None)


# --- what the Python reader refuses, the fast path never certifies --------------------


def dumps_with(value: Any, at: tuple[Any, ...], member: tuple[str, str], place: int) -> str:
    """`value` as compact JSON, with one more member (key and value as JSON text) written
    into the object at path `at`, before its member number `place`: what json.dumps
    cannot write."""

    def dump(v: Any, here: tuple[Any, ...]) -> str:
        if isinstance(v, dict):
            items = [f"{json.dumps(k)}:{dump(x, (*here, k))}" for k, x in v.items()]
            if here == at:
                items.insert(min(place, len(items)), f"{member[0]}:{member[1]}")
            return "{" + ",".join(items) + "}"
        if isinstance(v, list):
            return "[" + ",".join(dump(x, (*here, i)) for i, x in enumerate(v)) + "]"
        return json.dumps(v)

    return dump(value, ())


def objects(proof: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The path of every JSON object in a proof."""
    return [
        (),
        ("root",),
        *(("assets", i) for i in range(len(proof["assets"]))),
        *(("siblings", level) for level in range(proof["height"])),
    ]


def refused(raw: bytes, words: str) -> bool:
    try:
        parse_proof(raw, "proof")
    except InputError as e:
        return words in e.problem
    return False


def test_a_key_twice_anywhere_is_never_certain(demo_proofs: list[dict[str, Any]]) -> None:
    """A key written twice, in every object of the proof, with its own value or another
    one, first or last: the Python reader refuses the file, the fast path says no."""
    proof = demo_proofs[3]
    published = proof["root_commitment"]
    for at in objects(proof):
        target = _get(proof, at)
        for key, value in target.items():
            for text in (json.dumps(value), json.dumps("x"), "0"):
                for place in (0, len(target)):
                    raw = dumps_with(proof, at, (json.dumps(key), text), place).encode()
                    assert refused(raw, f"key {key!r} appears twice in one object"), (at, key)
                    assert not agree(raw, published) and not agree(raw, None), (at, key)


def test_an_escaped_spelling_of_a_key_is_the_same_key(demo_proofs: list[dict[str, Any]]) -> None:
    proof = demo_proofs[3]
    raw = dumps_with(proof, (), ('"ind\\u0065x"', str(proof["index"])), 99)
    assert refused(raw.encode(), "key 'index' appears twice")
    assert not agree(raw.encode(), proof["root_commitment"])


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_never_certain(
    demo_proofs: list[dict[str, Any]], constant: str
) -> None:
    proof = demo_proofs[3]
    for at in objects(proof)[:3]:
        raw = dumps_with(proof, at, ('"extra"', constant), 0).encode()
        assert refused(raw, f"{constant} is not a number a file may hold")
        assert not agree(raw, proof["root_commitment"])
    line = proof_json_line(proof).replace('"height":32', f'"height":{constant}').encode()
    assert refused(line, "is not a number a file may hold") and not agree(line, None)


def test_deep_nesting_is_never_certain(demo_proofs: list[dict[str, Any]]) -> None:
    proof = demo_proofs[3]
    for depth in (300, 100_000):
        raw = dumps_with(proof, (), ('"extra"', "[" * depth + "]" * depth), 0).encode()
        with pytest.raises(InputError):
            parse_proof(raw, "proof")
        assert not agree(raw, proof["root_commitment"])


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_duplicated_member_gets_through_the_fast_path(
    demo_proofs: list[dict[str, Any]], data: st.DataObject
) -> None:
    """Property: any member of any object of a proof written a second time (any value,
    anywhere in the object) is refused by the Python reader, and never certified."""
    proof = data.draw(st.sampled_from(demo_proofs))
    at = data.draw(st.sampled_from(objects(proof)))
    target = _get(proof, at)
    key = data.draw(st.sampled_from(list(target)))
    value = data.draw(
        st.sampled_from([json.dumps(target[key]), "null", "0", '"0"', "[]", "{}", "1e400"])
    )
    place = data.draw(st.integers(0, len(target)))
    raw = dumps_with(proof, at, (json.dumps(key), value), place).encode()
    assert refused(raw, "appears twice in one object")
    for published in (proof["root_commitment"], None):
        assert not agree(raw, published)
