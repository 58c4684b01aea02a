"""The compiled fast path (verifier/tree/_fastverify.c) may only say "certainly
included" where the Python verifier says included: any other answer sends the proof
to Python. Checked both ways that matter: every ordinary proof takes the fast path,
and no changed proof is ever let through by it; and what it reads of a whole block of
lines (where each line ends, its account and leaf) is what the Python reader reads."""

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.tree.test_tamper import _get, _set, hash_fields, sum_fields
from verifier.errors import InputError
from verifier.models.proof import parse_proof
from verifier.tree._fastverify import certify, cut
from verifier.tree.prove import Cutter, Prover, proof_json, proof_json_line
from verifier.tree.store import TreeFile, header
from verifier.tree.verify import verify_proof


def python_included(raw: bytes, published: str | None) -> bool:
    try:
        return verify_proof(parse_proof(raw, "proof"), published).included
    except InputError:
        return False


def fast(raw: bytes, published: bytes | None) -> bool:
    """Whether the fast path certifies the one proof in `raw` (blank lines aside)."""
    kinds = certify(raw, published)[0]
    return kinds.count(1) == 1 and kinds.count(2) == 0


def agree(raw: bytes, published: str | None) -> bool:
    """The fast path's answer, after checking it is one it may give."""
    said = fast(raw, None if published is None else published.encode())
    if said:
        assert python_included(raw, published), raw[:300]
    return said


@pytest.fixture(scope="module")
def demo_proofs() -> list[dict[str, Any]]:
    prover = Prover(ROOT / "fixtures" / "demo" / "tree")
    return [json.loads(line) for _, line in zip(range(200), prover.all_lines(), strict=False)]


def test_every_ordinary_proof_takes_the_fast_path(
    demo_proofs: list[dict[str, Any]], shared: Path
) -> None:
    published = demo_proofs[0]["root_commitment"]
    for p in demo_proofs:
        raw = proof_json_line(p).encode()
        assert agree(raw, published) and agree(raw, None)
    vector = json.loads((shared / "spec" / "por-mst-v1-vector-1.json").read_bytes())
    assert agree(proof_json_line(vector).encode(), vector["root_commitment"])


def test_a_proof_over_several_lines_goes_to_python(demo_proofs: list[dict[str, Any]]) -> None:
    """The fast path reads lines: a pretty-printed proof is no line of an export."""
    raw = proof_json(demo_proofs[0]).encode()
    assert python_included(raw, None) and not fast(raw, None)


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


# --- the whole-line path: a block of lines in one call ---------------------------------


def read_block(block: bytes, published: bytes | None) -> list[tuple[int, bytes, int, bytes]]:
    """certify's answer, one (kind, line, index, account digest) per line."""
    kinds, ends, indices, accounts = certify(block, published)
    stops = [int.from_bytes(ends[8 * i : 8 * i + 8], sys.byteorder) for i in range(len(kinds))]
    return [
        (
            kind,
            block[stops[i - 1] if i else 0 : stops[i]],
            int.from_bytes(indices[8 * i : 8 * i + 8], sys.byteorder),
            accounts[16 * i : 16 * i + 16],
        )
        for i, kind in enumerate(kinds)
    ]


def test_a_block_is_read_line_by_line(demo_proofs: list[dict[str, Any]]) -> None:
    """Lines end after their newline (the last one may have none); blank lines are
    blank; each certified line comes with the leaf index and account digest it holds."""
    proofs = demo_proofs[:40]
    lines = [proof_json_line(p).encode() for p in proofs]
    block = [b"\n", *lines[:20], b" \t\r\x0b\x0c\n", b'{"format":"por-mst-v1"}\n', *lines[20:]]
    block[-1] = block[-1].rstrip(b"\n")
    published = proofs[0]["root_commitment"].encode()
    read = read_block(b"".join(block), published)
    assert [line for _, line, _, _ in read] == block
    assert [kind for kind, _, _, _ in read] == [0, *[1] * 20, 0, 2, *[1] * 20]
    certified = [(index, account) for kind, _, index, account in read if kind == 1]
    assert certified == [
        (p["index"], hashlib.sha256(p["account_id"].encode()).digest()[:16]) for p in proofs
    ]
    assert certify(b"", published) == (b"", b"", b"", b"")


def scalars(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every string and number in a proof."""
    if isinstance(value, dict):
        return [path for key, x in value.items() for path in scalars(x, (*at, key))]
    if isinstance(value, list):
        return [path for i, x in enumerate(value) for path in scalars(x, (*at, i))]
    return [at]


def changed(value: str | int) -> str | int:
    """Another value of the same type and, where it has one, the same spelling."""
    if isinstance(value, int):
        return value + 1
    if value.isdigit():
        return str(int(value) + 1)
    if len(value) == 64:
        return value[:10] + ("0" if value[10] != "0" else "1") + value[11:]
    return value + "x"


def test_every_one_field_change_is_refused_and_never_certified(
    demo_proofs: list[dict[str, Any]],
) -> None:
    """Each string and number of a proof changed in turn, the line between two good
    ones: the Python verifier refuses it, and the fast path leaves only it to Python."""
    proof = demo_proofs[7]
    good = proof_json_line(proof).encode()
    published = proof["root_commitment"]
    paths = scalars(proof)
    assert len(paths) > 4 * proof["height"]  # the siblings' fields are among them
    for path in paths:
        line = proof_json_line(_set(proof, path, changed(_get(proof, path)))).encode()
        assert not python_included(line, published), path
        kinds = [kind for kind, _, _, _ in read_block(good + line + good, published.encode())]
        assert kinds == [1, 2, 1], path


@pytest.mark.parametrize("sample", [0, 99, 199])
def test_no_flipped_byte_of_a_line_is_certified(
    demo_proofs: list[dict[str, Any]], sample: int
) -> None:
    """Every byte of a line changed in turn (the last bit flipped), all of them in one
    block: a changed line is certified only where the Python verifier includes it."""
    good = proof_json_line(demo_proofs[sample]).encode()
    edits = [good[:at] + bytes([good[at] ^ 1]) + good[at + 1 :] for at in range(len(good))]
    read = read_block(b"".join(edits), None)
    assert [line for _, line, _, _ in read] == edits
    for kind, line, _, _ in read:
        assert kind == 2 or python_included(line, None), line[:300]


# --- the cutter: reads only inside the tree ----------------------------------------------


def test_a_leaf_the_tree_does_not_hold_is_refused() -> None:
    """A leaf index from a doctored accounts.sqlite is bad input, never a read outside
    tree.bin; the compiled cutter checks it too, whoever calls it."""
    prover = Prover(ROOT / "fixtures" / "demo" / "tree")
    tree, cutter = prover.tree, Cutter(prover.tree, "s", prover.root.assets, {}, "00")
    for leaf in (tree.n, -1, 2**64):
        with pytest.raises(InputError, match="no such leaf in this tree"):
            cutter.rows([("x", leaf, bytes(32))])
    offsets = np.array(tree.offsets, dtype=np.uint64).tobytes()
    counts = np.array(tree.counts, dtype=np.uint64).tobytes()
    empties = bytes(32 * tree.height)
    for leaves in ([tree.n], [0, 2**64 - 1]):
        packed = np.array(leaves, dtype=np.uint64).tobytes()
        nonces = bytes(32 * len(leaves))
        with pytest.raises(ValueError, match="not in the tree"):
            cut(tree.data, offsets, counts, empties, tree.k, packed, nonces)
    with pytest.raises(ValueError, match="a level lies outside the tree"):
        cut(tree.data[: len(tree.data) // 2], offsets, counts, empties, tree.k, b"", b"")
    with pytest.raises(ValueError, match="inconsistent"):
        cut(tree.data, offsets, counts, empties[:-1], tree.k, b"", b"")
    with pytest.raises(ValueError, match="inconsistent"):  # a nonce short
        cut(tree.data, offsets, counts, empties, tree.k, bytes(8), bytes(31))


def test_the_cutter_writes_every_128_bit_value_as_python_does(tmp_path: Path) -> None:
    """Sums at the edges of the cutter's 64-bit and 19-digit steps, read back exactly."""
    values = [0, 9, 10**19 - 1, 10**19, 2**64 - 1, 2**64, 10**38, 2**128 - 1, 12345678901234567890]
    k, records = 3, [bytes([i]) * 32 for i in range(3)]
    rows = [values[i : i + k] for i in range(0, 3 * k, k)]
    body = b"".join(
        h + b"".join(v.to_bytes(16, "big") for v in row)
        for h, row in zip(records, rows, strict=True)
    )
    (tmp_path / "tree.bin").write_bytes(header(1, k, 2) + body)
    tree = TreeFile(tmp_path / "tree.bin")
    offsets = np.array(tree.offsets, dtype=np.uint64).tobytes()
    counts = np.array(tree.counts, dtype=np.uint64).tobytes()
    leaves, nonces = np.array([0, 1], np.uint64).tobytes(), bytes(range(64))
    paths = cut(tree.data, offsets, counts, bytes(32), k, leaves, nonces)
    tree.close()
    for leaf, path in enumerate(paths):
        assert path is not None
        read = json.loads("{" + path + "}")
        assert read["nonce"] == nonces[32 * leaf : 32 * leaf + 32].hex()
        assert read["balances"] == [str(v) for v in rows[leaf]] and read["index"] == leaf
        assert read["siblings"] == [
            {"hash": records[1 - leaf].hex(), "sums": [str(v) for v in rows[1 - leaf]]}
        ]
