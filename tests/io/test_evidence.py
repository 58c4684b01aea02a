"""Evidence bundles read for an offline replay: the format's rules, checked on the demo's
real recorded bundle.

Every single-field tampering that the format does not allow is refused with the field
named; random edits of the bundle, replayed through `por verify --offline`, always end
in exit 0, 1 or 2 (one line on stderr when the file is refused, no traceback), and
never in exit 0 when a stricter, independent reading of the file refuses it.
"""

import base64
import binascii
import hashlib
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chains.evidence import FORMAT
from tests.conftest import ROOT
from tests.support.places import places
from tests.tree.helpers import run
from verifier.errors import InputError
from verifier.io.evidence import load_bundle

DEMO = ROOT / "fixtures" / "demo"
BUNDLE = DEMO / "evidence.json"
ORIGINAL: dict[str, Any] = json.loads(BUNDLE.read_text())
# A placeholder put where a value goes, then replaced by JSON text that json.dumps
# cannot write (NaN, Infinity, 1e400 as written).
RAW = "__raw_json__"


def written(doc: Any, raw: str | None = None) -> str:
    text = json.dumps(doc, indent=1)
    return text if raw is None else text.replace(json.dumps(RAW), raw)


def refusal(tmp_path: Path, text: str) -> InputError:
    path = tmp_path / "evidence.json"
    path.write_text(text)
    with pytest.raises(InputError) as e:
        load_bundle(path)
    assert e.value.source == str(path)
    return e.value


def test_the_demo_bundle_loads_and_writes_back_byte_for_byte() -> None:
    bundle = load_bundle(BUNDLE)
    assert len(bundle.records) == len(ORIGINAL["records"]) > 3
    assert bundle.to_bytes() == BUNDLE.read_bytes()


# (value, raw JSON text or None, the field named after records[i]., or None when the
# problem belongs to the record as a whole)
RECORD_TAMPERING: dict[str, list[tuple[Any, str | None, str | None]]] = {
    "status": [
        (RAW, "NaN", "!strict"),
        (RAW, "Infinity", "!strict"),
        (RAW, "-Infinity", "!strict"),
        (RAW, "1e400", "status"),
        (RAW, "10" + "0" * 400, "status"),
        (-1, None, "status"),
        (200.0, None, "status"),
        ("200", None, "status"),
        (True, None, "status"),
        (None, None, "status"),
        (99, None, "status"),
        (600, None, "status"),
        ([200], None, "status"),
    ],
    "sha256": [
        ("00" * 32, None, None),  # well formed, not the answer's: the record is refused
        ("AB" * 32, None, "sha256"),
        ("ab" * 31, None, "sha256"),
        ("", None, "sha256"),
        (1, None, "sha256"),
        (None, None, "sha256"),
    ],
    "block_hash": [
        ("0x12", None, "block_hash"),
        ("AB" * 32, None, "block_hash"),
        ("0x" + "ab" * 31, None, "block_hash"),
        ("0X" + "ab" * 32, None, "block_hash"),
        (12, None, "block_hash"),
        ([], None, "block_hash"),
    ],
    "endpoint": [
        ("elsewhere", None, "endpoint"),  # not one of the bundle's endpoints
        ("", None, "endpoint"),
        (1, None, "endpoint"),
        (None, None, "endpoint"),
    ],
    "http_method": [("PUT", None, "http_method"), ("post", None, "http_method")],
    "path": [("", None, "path"), ("x/", None, "path"), (1, None, "path")],
    "request": [(1, None, "request"), (None, None, "request")],
    "method": [("eth_other", None, "method"), (1, None, "method")],
    "params": [("other", None, "params"), (RAW, "1e400", "params")],
    "answer": [
        ("changed", None, None),  # no longer hashes to its sha256
        (1, None, "answer"),
        (RAW, '"\\ud800"', "!json"),  # a lone surrogate is no text
    ],
}


def cases() -> list[tuple[str, Any, str | None, str | None]]:
    return [(key, *case) for key, values in RECORD_TAMPERING.items() for case in values]


@pytest.mark.parametrize("index", [0, 3, len(ORIGINAL["records"]) - 1])
@pytest.mark.parametrize(("key", "value", "raw", "field"), cases())
def test_every_single_field_tampering_is_refused_naming_the_field(
    tmp_path: Path, index: int, key: str, value: Any, raw: str | None, field: str | None
) -> None:
    doc = json.loads(json.dumps(ORIGINAL))
    doc["records"][index][key] = value
    error = refusal(tmp_path, written(doc, raw))
    if field == "!strict":  # the strict reading refuses before any field is looked at
        assert error.field is None and raw is not None and raw.lstrip("-") in error.problem
    elif field == "!json":
        assert error.field is None and "not valid JSON" in error.problem
    elif field is None:
        assert error.field == f"records[{index}]"
    else:
        assert error.field == f"records[{index}].{field}", str(error)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r.pop("answer"), None),
        (lambda r: r.update(answer_base64="e30="), None),  # both kinds of answer
        (lambda r: r.update(answer_base64="!!"), "answer_base64"),
        (lambda r: r.update(extra=1), "extra"),
        (lambda r: r.pop("status"), "status"),
        (lambda r: r.pop("params"), "params"),
    ],
    ids=["no-answer", "two-answers", "bad-base64", "unknown-field", "no-status", "no-params"],
)
def test_record_shapes_the_format_does_not_allow(tmp_path: Path, change: Any, field: Any) -> None:
    doc = json.loads(json.dumps(ORIGINAL))
    change(doc["records"][3])
    error = refusal(tmp_path, written(doc))
    assert error.field == ("records[3]" if field is None else f"records[3].{field}"), str(error)


ENDPOINT = next(iter(ORIGINAL["endpoints"]))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(format="por-evidence-v0"), "format"),
        (lambda d: d.pop("format"), "format"),
        (lambda d: d.pop("records"), "records"),
        (lambda d: d.update(records={}), "records"),
        (lambda d: d.update(notes=[1]), "notes[0]"),
        (lambda d: d.update(extra=[]), "extra"),
        (lambda d: d["endpoints"].update({ENDPOINT: 1}), f"endpoints.{ENDPOINT}"),
        (lambda d: d["endpoints"].update({ENDPOINT: "http://u:p@h/"}), f"endpoints.{ENDPOINT}"),
        (lambda d: d["endpoints"].update({ENDPOINT: "http://h/?key=k"}), f"endpoints.{ENDPOINT}"),
        (lambda d: d["endpoints"].update({ENDPOINT: "file:///etc"}), f"endpoints.{ENDPOINT}"),
        (lambda d: d["endpoints"].update({ENDPOINT: "http://[::1/"}), f"endpoints.{ENDPOINT}"),
    ],
    ids=[
        "format",
        "no-format",
        "no-records",
        "records-object",
        "note-number",
        "unknown",
        "url-number",
        "url-credentials",
        "url-query",
        "url-not-http",
        "url-broken",
    ],
)
def test_bundle_shapes_the_format_does_not_allow(tmp_path: Path, change: Any, field: str) -> None:
    doc = json.loads(json.dumps(ORIGINAL))
    change(doc)
    assert refusal(tmp_path, written(doc)).field == field


def test_a_key_written_twice_is_refused(tmp_path: Path) -> None:
    text = BUNDLE.read_text().replace('"status": 200', '"status": 200, "status": 500', 1)
    assert "appears twice" in refusal(tmp_path, text).problem


def test_a_bad_field_is_one_line_through_the_cli(tmp_path: Path) -> None:
    doc = json.loads(json.dumps(ORIGINAL))
    doc["records"][3]["status"] = -1
    path = tmp_path / "evidence.json"
    path.write_text(written(doc))
    r = run("verify", str(DEMO / "attestation.json"), "--offline", str(path))
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        f"por: error: {path}: records[3].status: Input should be greater than or equal to 100"
    ]


# The property: random edits, replayed.

_SHA256 = re.compile(r"[0-9a-f]{64}")
_BLOCK_HASH = re.compile(r"(0x)?[0-9a-f]{64}")
_RECORD_KEYS = {
    "endpoint",
    "http_method",
    "path",
    "request",
    "method",
    "params",
    "block_hash",
    "status",
    "sha256",
}


def stricter_reading_refuses(text: str) -> bool:
    """An independent reading of the format, written from its description: strict JSON,
    exact keys and types, every answer hashing to its record. True when it refuses."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({k for k, _ in items}) != len(items):
            raise ValueError("a key twice")
        return dict(items)

    def no_constant(name: str) -> Any:
        raise ValueError(name)

    try:
        doc = json.loads(text, object_pairs_hook=pairs, parse_constant=no_constant)
    except (ValueError, RecursionError):
        return True
    if not isinstance(doc, dict) or set(doc) != {"format", "endpoints", "notes", "records"}:
        return True
    endpoints, notes, records = doc["endpoints"], doc["notes"], doc["records"]
    if doc["format"] != FORMAT or not isinstance(endpoints, dict) or not isinstance(notes, list):
        return True
    if not all(isinstance(v, str) and v.startswith("http") for v in endpoints.values()):
        return True
    if not all(isinstance(n, str) for n in notes) or not isinstance(records, list):
        return True
    return not all(_record_is_sound(r, endpoints) for r in records)


def _record_is_sound(r: Any, endpoints: dict[str, Any]) -> bool:
    if not isinstance(r, dict) or not set(r) >= _RECORD_KEYS:
        return False
    answers = set(r) - _RECORD_KEYS
    if answers not in ({"answer"}, {"answer_base64"}):
        return False
    texts = ("endpoint", "http_method", "path", "request", "method", "sha256", *answers)
    if not all(isinstance(r[k], str) for k in texts) or r["endpoint"] not in endpoints:
        return False
    status, block_hash = r["status"], r["block_hash"]
    if type(status) is not int or not 100 <= status <= 599:
        return False
    if block_hash is not None and not (
        isinstance(block_hash, str) and _BLOCK_HASH.fullmatch(block_hash)
    ):
        return False
    if "answer" in r:
        try:
            raw = r["answer"].encode()
        except UnicodeEncodeError:
            return False
    else:
        try:
            raw = base64.b64decode(r["answer_base64"], validate=True)
        except binascii.Error:
            return False
    return bool(_SHA256.fullmatch(r["sha256"])) and hashlib.sha256(raw).hexdigest() == r["sha256"]


TEXT = st.text(max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**300)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
    | st.sampled_from([200, 404, 599, 600, "0x" + "ab" * 32, "ab" * 32, "00" * 32, "/", "GET"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=5,
)
# Text edits the JSON encoder cannot make: constants, numbers past a float, keys twice.
TEXT_EDITS = [
    ('"status": 200', '"status": NaN'),
    ('"status": 200', '"status": 1e400'),
    ('"status": 200', '"status": 200.0'),
    ('"status": 200', '"status": 200, "status": 200'),
    ('"block_hash": null', '"block_hash": Infinity'),
    ('"params": []', '"params": [1e400]'),
]


@st.composite
def edited_bundles(draw: st.DrawFn) -> str:
    doc: Any = json.loads(json.dumps(ORIGINAL))
    for _ in range(draw(st.integers(1, 3))):
        spots = list(places(doc))[1:]
        path = draw(st.sampled_from(spots))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "remove", "add", "copy-record"]))
        if action == "replace":
            parent[path[-1]] = draw(JSON)
        elif action == "remove":
            parent.pop(path[-1])
        elif action == "copy-record" and isinstance(doc.get("records"), list) and doc["records"]:
            records = doc["records"]
            records.insert(draw(st.integers(0, len(records))), draw(st.sampled_from(records)))
        elif isinstance(parent, dict):
            parent[draw(TEXT)] = draw(JSON)
        elif isinstance(parent, list):
            parent.insert(draw(st.integers(0, len(parent))), draw(JSON))
    text = json.dumps(doc, indent=1)
    if draw(st.booleans()):
        old, new = draw(st.sampled_from(TEXT_EDITS))
        text = text.replace(old, new, 1)
    return text


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(edited_bundles())
def test_no_edit_replays_as_a_pass_that_a_stricter_reading_refuses(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "evidence.json"
        path.write_text(text)
        # catch_exceptions=False: a traceback fails the test here.
        r = run("verify", str(DEMO / "attestation.json"), "--offline", str(path))
    assert r.exit_code in (0, 1, 2), r.output
    if r.exit_code == 2 and r.stderr:
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("por: error: "), r.stderr
    elif r.exit_code == 2:
        assert r.stdout.splitlines()[-1].startswith("VERDICT: INCONCLUSIVE"), r.stdout
    if stricter_reading_refuses(text):
        assert r.exit_code != 0, text
