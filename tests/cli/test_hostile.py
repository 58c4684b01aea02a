"""Hostile input to every command, through the real CLI in-process.

Every input file of every command is taken from a valid run (the demo exchange in
fixtures/demo, replayed offline) and edited at random by hypothesis: a value replaced
by an extreme number, NaN, a huge string, control characters or ANSI escapes, a
wrong type; a key written twice, deep nesting, a key dropped, the file cut short;
for tables a cell, a line or a byte; for Parquet ledgers the column types. Whatever
the edit, the property is the same:

- the exit code is 0, 1 or 2, and nothing raises (a traceback);
- exit 2 is one line on stderr (bad input), or an inconclusive result on stdout;
- a command never exits 0 on an input that a stricter reading refuses: a file its
  model refuses, an attestation or a proof whose bound parts (everything the
  commitment, the signatures or the evidence bind) changed, a ledger whose accounts
  differ from the tree's;
- a verdict line is the last line of stdout and the only one, whatever an exchange
  name or an account id holds.

The examples are derandomized (no database), so CI runs the same cases every time;
each defect the suite found is kept as an @example.
"""

import copy
import csv
import io
import json
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.support.attestations import attestation as sample_attestation
from tests.support.attestations import balances as sample_balances
from tests.support.places import places
from tests.support.reserve_lists import HTX_HEADER
from verifier.cli import app
from verifier.models.attestation import Attestation
from verifier.models.balances import BalancesFile
from verifier.models.ownership import OwnershipClaim
from verifier.models.prices import PricesFile
from verifier.models.proof import PROOF
from verifier.models.proof import _inconsistency as proof_inconsistency
from verifier.models.tree import TreeRoot
from verifier.reconcile.policy import PolicyFile
from verifier.report.model import Report

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
BTC_BLOCK = "24a15645a7f7a363d94ed6ff9df22a33255bdcb970d84fe5977186c268d6746d"
ETH_BLOCK = "a261e7a7eeb603c0997a15a04cb2deafc1b4a8bc240f4cb1a355ca16942b6c9f"
ASSETS = {"BTC": 8, "ETH": 18, "USDC": 6}
CONTRACT_WALLET = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"  # ERC-1271: needs a node

HOSTILE = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# Running the CLI


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def por(*args: str) -> Run:
    """`por ARGS` in-process; an exception that escapes the CLI fails the test with it."""
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def assert_sane(run: Run) -> None:
    """The property every run has, whatever its input."""
    assert run.code in (0, 1, 2), run
    assert "Traceback" not in run.stdout + run.stderr, run
    errors = run.stderr.splitlines()
    if run.code == 2:
        if errors:
            assert len(errors) == 1 and errors[0].startswith("por: "), run.stderr
        else:  # inconclusive: said on stdout
            assert "inconclusive" in run.stdout.lower() or "not compared" in run.stdout, run
    lines = run.stdout.splitlines()
    verdicts = [i for i, line in enumerate(lines) if line.lstrip().startswith("VERDICT")]
    assert verdicts in ([], [len(lines) - 1]), run.stdout


# Strict readings: what the command must refuse (exit 2) when they refuse.


class Refused(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise Refused("duplicate key")
    return dict(pairs)


def _constant(name: str) -> Any:
    raise Refused(name)


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise Refused(text)
    return value


def strict_json(data: bytes) -> Any:
    """JSON as the tool must read it: UTF-8, no key twice, no NaN or infinity."""
    try:
        return json.loads(
            data.decode("utf-8-sig"),
            object_pairs_hook=_pairs,
            parse_constant=_constant,
            parse_float=_float,
        )
    except (ValueError, RecursionError) as e:
        raise Refused(str(e)) from None


def model_reading(model: Any, problems: Callable[[Any], Iterator[Any]] | None = None) -> Any:
    """A strict reading: the JSON strictly, then the model in strict JSON mode."""

    def read(data: bytes) -> Any:
        strict_json(data)
        try:
            value = model.validate_json(data, strict=True)
        except (ValueError, RecursionError) as e:
            raise Refused(str(e)) from None
        if problems is not None and next(iter(problems(value)), None) is not None:
            raise Refused("problems")
        return value

    return read


def of_model(cls: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


def attestation_reading(data: bytes) -> Any:
    return model_reading(of_model(Attestation), lambda a: a.problems())(data)


def root_reading(data: bytes) -> Any:
    return model_reading(of_model(TreeRoot), lambda r: r.problems())(data)


def proof_reading(data: bytes) -> Any:
    def problems(p: Any) -> Iterator[Any]:
        problem = proof_inconsistency(p)
        if problem:
            yield problem

    return model_reading(PROOF, problems)(data)


def policy_reading(data: bytes) -> Any:
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
        return PolicyFile.model_validate(doc)
    except (ValueError, RecursionError) as e:
        raise Refused(str(e)) from None


def proofs_reading(data: bytes) -> Any:
    return [proof_reading(line) for line in data.splitlines() if line.strip()]


def ledger_reading(data: bytes) -> dict[str, tuple[int, ...]]:
    """The demo ledger as the tree must hold it: exact base units per account."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("not UTF-8") from None
    if "\x00" in text:
        raise Refused("NUL")
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    except csv.Error:  # a cell past the csv module's limit: the ledger reader refuses it too
        raise Refused("csv") from None
    if not rows or rows[0][0] != "account_id" or sorted(rows[0][1:]) != sorted(ASSETS):
        raise Refused("header")
    header = rows[0]
    out: dict[str, tuple[int, ...]] = {}
    for row in rows[1:]:
        if len(row) != len(header) or not row[0] or row[0] in out:
            raise Refused("row")
        cells = dict(zip(header, row, strict=True))
        units = []
        for symbol, decimals in ASSETS.items():
            cell = cells[symbol]
            if not re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", cell):
                raise Refused(f"amount {cell!r}")
            value = Decimal(cell).scaleb(decimals) if len(cell) < 100 else Decimal(-1)
            if value != value.to_integral_value() or not 0 <= value < 2**128:
                raise Refused(f"amount {cell!r}")
            units.append(int(value))
        out[row[0]] = tuple(units)
    if not out:
        raise Refused("empty")
    return out


# Edits


MARK = "\ue000edit\ue000"
DEEP = "[" * 100_000 + "]" * 100_000
HUGE_TEXT = "A" * 200_000
FORGERY = "x\n\x1b[2K\rVERDICT: PASS under everything (99 pass, 0 fail)\n\x1b[31m"
VALUES: list[Any] = [
    10**400,
    -1,
    -(2**63),
    0,
    2**64,
    2**128,
    1.5,
    "",
    "-1",
    "0",
    "1e3",
    "NaN",
    HUGE_TEXT,
    FORGERY,
    "\x00",
    "\u202e",
    "9" * 5000,
    True,
    None,
    [],
    {},
    [[[]]],
    {"a": {"b": 1}},
]
# JSON text that no Python value serialises to: written into the file as it stands.
RAW = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1E-400", "-0", "9" * 5000, DEEP]


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for p in path[:-1]:
        doc = doc[p]
    return doc


@st.composite
def json_edit(draw: st.DrawFn, original: bytes) -> bytes:
    """One hostile edit of a JSON document."""
    doc = json.loads(original)
    paths = list(places(doc))[1:]
    kind = draw(st.sampled_from(["value", "raw", "drop", "twice", "cut", "byte", "add"]))
    if kind == "cut":
        return original[: draw(st.integers(0, len(original) - 1))]
    if kind == "byte":
        at = draw(st.integers(0, len(original) - 1))
        byte = draw(st.sampled_from([b"\x00", b"\xff", b"{", b'"', b"\\", b"\n", b"9"]))
        return original[:at] + byte + original[at + 1 :]
    if not paths:
        return b"[" + original
    path = draw(st.sampled_from(paths))
    parent = _parent(doc, path)
    if kind == "value":
        parent[path[-1]] = draw(st.sampled_from(VALUES))
        return json.dumps(doc).encode()
    if kind == "raw":
        parent[path[-1]] = MARK
        raw = draw(st.sampled_from(RAW))
        return json.dumps(doc).replace(json.dumps(MARK), raw).encode()
    if kind == "drop":
        del parent[path[-1]]
        return json.dumps(doc).encode()
    if kind == "add":
        if isinstance(parent, dict):
            parent["unexpected"] = draw(st.sampled_from(VALUES))
        else:
            parent.append(copy.deepcopy(parent[path[-1]]))
        return json.dumps(doc).encode()
    # twice: the key again, later in the same object, with another value (the last
    # one wins in a lax reader, the first in others)
    if not isinstance(parent, dict):
        return json.dumps(doc).encode()
    parent[MARK] = draw(st.sampled_from([*VALUES, copy.deepcopy(parent[path[-1]])]))
    return json.dumps(doc).replace(json.dumps(MARK), json.dumps(path[-1]), 1).encode()


@st.composite
def jsonl_edit(draw: st.DrawFn, original: bytes) -> bytes:
    lines = original.splitlines(keepends=True)
    i = draw(st.integers(0, len(lines) - 1))
    kind = draw(st.sampled_from(["line", "drop", "repeat", "blank", "cut"]))
    if kind == "line":
        lines[i] = draw(json_edit(lines[i].rstrip(b"\n"))) + b"\n"
    elif kind == "drop":
        del lines[i]
    elif kind == "repeat":
        lines.append(lines[i])
    elif kind == "blank":
        lines.insert(i, b"   \n")
    else:
        return original[: draw(st.integers(0, len(original) - 1))]
    return b"".join(lines)


CELLS = [
    "",
    " ",
    "-1",
    "-0",
    "1e3",
    "NaN",
    "inf",
    "0x10",
    "1,5",
    '"',
    "1.000000000000000000001",
    "9" * 50,
    "0" * 5000 + "1",
    "\x00",
    "a\x00b",
    "\u0663",
    FORGERY,
    "a\nb",
    "A" * 300_000,
]


@st.composite
def csv_edit(draw: st.DrawFn, original: bytes) -> bytes:
    """One hostile edit of a CSV table: a cell, a line, a byte."""
    rows = list(csv.reader(io.StringIO(original.decode(), newline="")))
    kind = draw(st.sampled_from(["cell", "cell", "fields", "line", "bytes", "cut", "header"]))
    r = draw(st.integers(1, len(rows) - 1))
    c = draw(st.integers(0, len(rows[0]) - 1))
    if kind == "cell":
        rows[r][c] = draw(st.sampled_from([*CELLS, rows[(r % (len(rows) - 1)) + 1][c]]))
    elif kind == "fields":
        rows[r] = rows[r][:-1] if draw(st.booleans()) else [*rows[r], "1"]
    elif kind == "line":
        rows.insert(r, draw(st.sampled_from([[], [""], rows[r], ["x"] * 40])))
    elif kind == "header":
        rows[0][c] = draw(st.sampled_from(["", "BTC", "account_id", "DOGE", FORGERY, " BTC"]))
    elif kind == "cut":
        return original[: draw(st.integers(0, len(original) - 1))]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    data = out.getvalue().encode()
    if kind == "bytes":
        at = draw(st.integers(0, len(data) - 1))
        byte = draw(st.sampled_from([b"\x00", b"\xff", b"\xc3", b'"', b"\r", b"\n", b","]))
        data = data[:at] + byte + data[at + 1 :]
    return data


LINES = [
    "",
    "# comment",
    FORGERY,
    "\x00",
    "A" * 300_000,
    "0x" + "00" * 20,
    "0x" + "g" * 40,
    "0xCCBCA025341BAE518093F9F4531E49A5BD1F3D5F",
    "0xccbca025341bae518093f9f4531e49a5bd1f3d5f",
    "0xCcbCa025341BAE518093f9f4531E49a5BD1f3D5F",
    "bcrt1qqgxs2ap6dsax4m6c72x3r78nr79euqafkjnpxz",
    "BCRT1QQGXS2AP6DSAX4M6C72X3R78NR79EUQAFKJNPXZ",
    "raw(00)",
    "pk(zz)",
    "customer-0001",
    " customer-0001",
    "\u202e",
]


@st.composite
def lines_edit(draw: st.DrawFn, original: bytes) -> bytes:
    """One hostile edit of a list with one item a line."""
    lines = original.decode().splitlines()
    i = draw(st.integers(0, len(lines)))
    kind = draw(st.sampled_from(["insert", "replace", "drop", "repeat", "bytes", "cut"]))
    if kind == "insert":
        lines.insert(i, draw(st.sampled_from(LINES)))
    elif kind == "replace" and i < len(lines):
        lines[i] = draw(st.sampled_from(LINES))
    elif kind == "drop" and i < len(lines):
        del lines[i]
    elif kind == "repeat" and i < len(lines):
        lines.append(lines[i])
    elif kind == "cut":
        return original[: draw(st.integers(0, len(original) - 1))]
    data = ("\n".join(lines) + "\n").encode()
    if kind == "bytes":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.sampled_from([b"\x00", b"\xff", b"\r"])) + data[at + 1 :]
    return data


def toml_text(value: Any) -> str:
    """A TOML value inline (tables as inline tables), for rewriting a policy."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if value != value
            else {float("inf"): "inf", -float("inf"): "-inf"}.get(value, repr(value))
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_text(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_text(v)}" for k, v in value.items()) + "}"


def toml_document(doc: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {toml_text(v)}\n" for k, v in doc.items())


TOML_VALUES = [
    *[v for v in VALUES if v is not None and v != 10**400],
    10**400,  # tomllib reads any integer
]
TOML_RAW = ["nan", "inf", "-inf", "1e400", "0x7fffffffffffffff", "-0", "[" * 100_000, "{a=" * 5000]


@st.composite
def toml_edit(draw: st.DrawFn, original: bytes) -> bytes:
    """One hostile edit of a TOML policy: a value, a raw token, nesting, a cut."""
    doc = tomllib.loads(original.decode())
    paths = list(places(doc))[1:]
    kind = draw(st.sampled_from(["value", "raw", "drop", "twice", "cut"]))
    if kind == "cut":
        return original[: draw(st.integers(0, len(original) - 1))]
    path = draw(st.sampled_from(paths))
    parent = _parent(doc, path)
    if kind == "value":
        parent[path[-1]] = draw(st.sampled_from(TOML_VALUES))
    elif kind == "drop":
        del parent[path[-1]]
    elif kind == "raw":
        parent[path[-1]] = MARK
        return (
            toml_document(doc).replace(json.dumps(MARK), draw(st.sampled_from(TOML_RAW))).encode()
        )
    elif isinstance(parent, dict):  # twice: TOML itself forbids it
        text = toml_document(doc)
        return (text + f"{json.dumps(path[-1])} = 1\n").encode()
    return toml_document(doc).encode()


@st.composite
def bytes_edit(draw: st.DrawFn, original: bytes) -> bytes:
    """A binary file (tree.bin, accounts.sqlite) cut short or with bytes overwritten."""
    if draw(st.booleans()):
        return original[: draw(st.integers(0, len(original) - 1))]
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    return bytes(data)


EDITS: dict[str, Callable[[bytes], st.SearchStrategy[bytes]]] = {
    "json": json_edit,
    "jsonl": jsonl_edit,
    "csv": csv_edit,
    "lines": lines_edit,
    "toml": toml_edit,
    "bytes": bytes_edit,
}


# The inputs of a valid run of every command


def _demo_files() -> dict[str, bytes]:
    files = {
        name: (DEMO / name).read_bytes()
        for name in ("attestation.json", "evidence.json", "attest-config.json", "ledger.csv")
    }
    for name in ("root.json", "tree.bin", "accounts.sqlite"):
        files[f"tree/{name}"] = (DEMO / "tree" / name).read_bytes()
    att = json.loads(files["attestation.json"])
    prices = {"format": "por-prices-v1", "currency": "JPY", "prices": att["prices"]}
    files["prices.json"] = json.dumps(prices, indent=1).encode()
    files["others.txt"] = b"# other entities\n0x" + b"12" * 20 + b"\nbcrt1qexample\n"
    files["policy.toml"] = (
        Path(__file__).resolve().parents[2] / "verifier/reconcile/policies/jp-psa.toml"
    ).read_bytes()
    claims = [
        {"chain": w["chain"].split(":")[0], "address": w["address"], **w["ownership_proof"]}
        for w in att["wallets"]
        if w["address"] != CONTRACT_WALLET
    ]
    files["own.json"] = json.dumps(claims, indent=1).encode()
    columns = ["chain", "address", "message", "signature", "script", "public_key"]
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[c.get(k) or "" for k in columns] for c in claims])
    files["own.csv"] = table.getvalue().encode()
    # The same proofs as HTX publishes its list (byte-order mark, summary block), for
    # those that need no script or key column (HTX's layout has none). The blank line
    # is written ",," here, as a spreadsheet exports it: csv_edit edits rectangular tables.
    plain = [c for c in claims if not c.get("script") and not c.get("public_key")]
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerows([["\ufeffcoin", "snapshot height", "balance"], ["BTC(ALL)", "-", "1"]])
    writer.writerows([["", "", ""], HTX_HEADER.split(",")])
    for c in plain:
        coin = "BTC" if c["chain"] == "bitcoin" else "ETH"
        writer.writerow([coin, c["address"], "-", "-", c["message"], c["signature"]])
    files["htx.csv"] = table.getvalue().encode()
    bundle = json.loads(files["evidence.json"])
    for family, chain in (("eth", "ethereum:31337"), ("btc", "bitcoin:regtest")):
        records = [dict(r, endpoint="primary") for r in bundle["records"] if r["endpoint"] == chain]
        one = {**bundle, "endpoints": {"primary": "http://node"}, "notes": [], "records": records}
        files[f"{family}-evidence.json"] = json.dumps(one, indent=1).encode()
        addresses = [w["address"] for w in att["wallets"] if w["chain"] == chain]
        files[f"{family}.txt"] = ("\n".join(addresses) + "\n").encode()
    files["accounts.txt"] = b"customer-0001\ncustomer-0002\ncustomer-0999\n"
    sample = sample_attestation()
    files["sample.json"] = json.dumps(sample, indent=1).encode()
    files["balances.json"] = json.dumps(sample_balances(sample), indent=1).encode()
    return files


FILES = _demo_files()


def _with_proofs() -> None:
    with tempfile.TemporaryDirectory() as d:
        work = _materialise(Path(d), {})
        proof = por("tree", "proof", str(work / "tree"), "customer-0001")
        assert proof.code == 0, proof
        FILES["proof.json"] = proof.stdout.encode()
        export = por("tree", "export", str(work / "tree"), "--out", str(work / "all.jsonl"))
        assert export.code == 0, export
        FILES["proofs.jsonl"] = (work / "all.jsonl").read_bytes()
        verify = por(
            "verify",
            *(a.replace("{w}", str(work)) for a in VERIFY),
            "--json",
            f"{work}/report.json",
        )
        assert verify.code == 0, verify
        FILES["report.json"] = (work / "report.json").read_bytes()
        plan = por(*(a.replace("{w}", str(work)) for a in PLAN), f"{work}/plan")
        assert plan.code == 0, plan
        for name in ("plan.parquet", "plan.csv", "summary.json", *(f"tree/{n}" for n in TREE)):
            FILES[f"plan/{name}"] = (work / "plan" / name).read_bytes()


def _materialise(work: Path, edits: dict[str, bytes]) -> Path:
    for name, data in {**FILES, **edits}.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(data)
    return work


@dataclass(frozen=True)
class Target:
    """A command with valid inputs, one of which is edited; `bound` says what of that
    input, once parsed, an exit 0 requires unchanged."""

    command: list[str]  # "{w}" is the work directory
    file: str
    kind: str
    reading: Callable[[bytes], Any] | None = None  # refuses: the command must exit 2
    bound: Callable[[bytes], Any] | None = None
    after: Callable[[Path, bytes], None] | None = None  # more to hold an exit 0 to
    valid_exit: int = 0
    refused_exits: tuple[int, ...] = (2,)  # what a refused file may give

    @property
    def id(self) -> str:
        return f"{' '.join(self.command[:2])}:{self.file}"


def _keep(*paths: str, model: Any = None) -> Callable[[bytes], Any]:
    """The parts of a document at these dotted paths ('*' for every list item), as its
    model reads them when there is one (an optional key left out is the same as null)."""

    def pick(doc: Any, parts: list[str]) -> Any:
        if not parts:
            return doc
        head, rest = parts[0], parts[1:]
        if head == "*":
            return [pick(x, rest) for x in doc]
        return pick(doc[head], rest)

    def bound(data: bytes) -> Any:
        if model is None:
            doc = json.loads(data)
        else:
            doc = model.dump_python(model.validate_json(data, strict=True), mode="json")
        return [pick(doc, p.split(".")) for p in paths]

    return bound


def _records(data: bytes) -> Any:
    """What replays: the answers and what each answers (a record listed twice is one)."""
    keys = ("endpoint", "http_method", "path", "request", "answer", "answer_base64")
    records = json.loads(data)["records"]
    return sorted({json.dumps({k: r.get(k) for k in keys}) for r in records})


def _each_one_of_the_originals(
    rows: Callable[[bytes], list[Any]], file: str
) -> Callable[[bytes], Any]:
    """For a list where fewer items may pass (ownership proofs): every item left must
    be one of the original items, unchanged. True for the original itself."""

    def bound(data: bytes) -> bool:
        originals = rows(FILES[file])
        return all(item in originals for item in rows(data))

    return bound


def _claims(data: bytes) -> list[Any]:
    claims = of_model(list[OwnershipClaim])
    return claims.dump_python(claims.validate_json(data, strict=True), mode="json")  # type: ignore[no-any-return]


def _csv_rows(data: bytes) -> list[Any]:
    table = list(csv.reader(io.StringIO(data.decode(), newline="")))
    header = table[0]
    return [dict(zip(header, r, strict=False)) for r in table[1:] if any(c.strip() for c in r)]


def _htx_rows(data: bytes) -> list[Any]:
    """The address rows under HTX's header, as the list means them (cells without their
    spaces, hex addresses in any case)."""
    text = data.decode("utf-8-sig")
    _, found, rows = text.partition(HTX_HEADER + "\n")
    if not found:
        return []
    cells = [[c.strip() for c in r] for r in csv.reader(io.StringIO(rows, newline="")) if r]
    return [[c.lower() if c.startswith("0x") else c for c in r] for r in cells if any(r)]


def _lines(data: bytes) -> list[str]:
    return [line.strip() for line in data.decode().splitlines() if line.strip()]


def _proof_lines(data: bytes) -> list[Any]:
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def attested(work: Path, _: bytes) -> None:
    """What `por attest` wrote is an attestation every reader accepts."""
    attestation_reading((work / "out" / "attestation.json").read_bytes())


def built(work: Path, ledger: bytes) -> None:
    """The tree holds exactly the ledger's accounts and totals."""
    accounts = ledger_reading(ledger)
    root = json.loads((work / "built" / "root.json").read_text())
    assert root["account_count"] == len(accounts)
    totals = [str(sum(units[i] for units in accounts.values())) for i in range(len(ASSETS))]
    assert root["root"]["sums"] == totals


# What the commitment, the ownership signatures and the recorded evidence bind.
ATTESTATION_BOUND = _keep(
    "format",
    "exchange.id",
    "snapshot.id",
    "snapshot.chains",
    "liabilities.tree.format",
    "liabilities.tree.snapshot_id",
    "liabilities.tree.height",
    "liabilities.tree.assets",
    "liabilities.tree.root",
    "liabilities.tree.root_commitment",
    "wallets.*.chain",
    "wallets.*.address",
    "wallets.*.ownership_proof",
    "tokens",
    model=of_model(Attestation),
)
VERIFY = ["{w}/attestation.json", "--offline", "{w}/evidence.json"]
RECONCILE = ["reconcile", "{w}/sample.json", "--balances", "{w}/balances.json"]
TREE_AUDIT = [
    "tree",
    "audit",
    "{w}/ledger.csv",
    "--root",
    "{w}/tree/root.json",
    "--accounts",
    "{w}/tree/accounts.sqlite",
]
ATTEST = [
    "attest",
    "{w}/attest-config.json",
    "--root",
    "{w}/tree/root.json",
    "--block",
    f"bitcoin:regtest=436:{BTC_BLOCK}",
    "--block",
    f"ethereum:31337=6:{ETH_BLOCK}",
    "--out",
    "{w}/out/attestation.json",
]
INCLUSION = ["inclusion", "verify", "{w}/proof.json", "--root", "{w}/tree/root.json"]
VERIFY_ALL = [
    "inclusion",
    "verify-all",
    "{w}/proofs.jsonl",
    "--root",
    "{w}/tree/root.json",
    "--workers",
    "1",
]
ETH_BALANCES = [
    "chain",
    "balances",
    "--chain",
    "ethereum",
    "--chain-id",
    "31337",
    "--offline",
    "{w}/eth-evidence.json",
    "--snapshot",
    f"6:0x{ETH_BLOCK}",
    "--addresses",
    "{w}/eth.txt",
]
BTC_BALANCES = [
    "chain",
    "balances",
    "--chain",
    "bitcoin",
    "--network",
    "regtest",
    "--from-height",
    "434",
    "--offline",
    "{w}/btc-evidence.json",
    "--snapshot",
    f"436:{BTC_BLOCK}",
    "--addresses",
    "{w}/btc.txt",
]
OWNERSHIP = ["--exchange", "demo-exchange", "--snapshot-id", "2026-03-31"]
ADMINISTER_INPUTS = [
    "--ledger",
    "{w}/ledger.csv",
    "--tree",
    "{w}/tree",
    "--report",
    "{w}/report.json",
]
PLAN = ["administer", "plan", *ADMINISTER_INPUTS, "--out"]
PLAN_CHECK = ["administer", "check", "{w}/plan", *ADMINISTER_INPUTS]
TREE = ("root.json", "tree.bin", "accounts.sqlite")
_with_proofs()  # and the report and plan: made by the commands above, once
ROOT_BOUND = _keep("root_commitment")

TARGETS = [
    Target(["verify", *VERIFY], "attestation.json", "json", attestation_reading, ATTESTATION_BOUND),
    Target(
        ["self-check", *VERIFY], "attestation.json", "json", attestation_reading, ATTESTATION_BOUND
    ),
    Target(["verify", *VERIFY], "evidence.json", "json", None, _records),
    Target(
        ["verify", *VERIFY, "--prices", "{w}/prices.json"],
        "prices.json",
        "json",
        model_reading(of_model(PricesFile)),
    ),
    Target(["verify", *VERIFY, "--other-entities", "{w}/others.txt"], "others.txt", "lines"),
    Target(
        ["verify", *VERIFY, "--policy", "{w}/policy.toml"], "policy.toml", "toml", policy_reading
    ),
    Target(RECONCILE, "sample.json", "json", attestation_reading),
    Target(RECONCILE, "balances.json", "json", model_reading(of_model(BalancesFile))),
    Target([*RECONCILE, "--policy", "{w}/policy.toml"], "policy.toml", "toml", policy_reading),
    Target(ATTEST, "attest-config.json", "json", after=attested),
    Target(ATTEST, "tree/root.json", "json", root_reading, after=attested),
    Target(
        [
            "tree",
            "build",
            "{w}/ledger.csv",
            "--assets",
            "BTC:8,ETH:18,USDC:6",
            "--snapshot-id",
            "s",
            "--height",
            "12",
            "--out",
            "{w}/built",
        ],
        "ledger.csv",
        "csv",
        ledger_reading,
        after=built,
    ),
    Target(["tree", "proof", "{w}/tree", "customer-0001"], "tree/root.json", "json", root_reading),
    Target(["tree", "proof", "{w}/tree", "customer-0001"], "tree/tree.bin", "bytes"),
    Target(
        [
            "tree",
            "export",
            "{w}/tree",
            "--out",
            "{w}/export.jsonl",
            "--accounts",
            "{w}/accounts.txt",
        ],
        "accounts.txt",
        "lines",
    ),
    Target(TREE_AUDIT, "ledger.csv", "csv", ledger_reading, ledger_reading),
    Target(TREE_AUDIT, "tree/root.json", "json", root_reading, json.loads),
    Target(TREE_AUDIT, "tree/accounts.sqlite", "bytes"),
    Target(INCLUSION, "proof.json", "json", proof_reading, json.loads),
    Target(INCLUSION, "tree/root.json", "json", root_reading, ROOT_BOUND),
    # a malformed line is a failure of the export, named by its line (exit 1)
    Target(VERIFY_ALL, "proofs.jsonl", "jsonl", proofs_reading, _proof_lines, refused_exits=(1, 2)),
    Target(
        VERIFY_ALL,
        "tree/root.json",
        "json",
        root_reading,
        _keep("root_commitment", "account_count"),
    ),
    # a plan only from a report of this tree and a ledger that reproduces it
    Target(
        [*PLAN, "{w}/new-plan"],
        "report.json",
        "json",
        model_reading(of_model(Report)),
        _keep("snapshot.liability_root_commitment"),
        refused_exits=(1, 2),
    ),
    # a ledger listing an account twice does not reproduce the tree (exit 1) before it
    # is bad input: the audit names the row
    Target(
        [*PLAN, "{w}/new-plan"],
        "ledger.csv",
        "csv",
        ledger_reading,
        ledger_reading,
        refused_exits=(1, 2),
    ),
    # a plan passes its check only as it was made
    Target(PLAN_CHECK, "plan/summary.json", "json", None, json.loads),
    Target(PLAN_CHECK, "plan/plan.csv", "csv", None, _csv_rows),
    Target(ETH_BALANCES, "eth.txt", "lines", None, _lines),
    Target(ETH_BALANCES, "eth-evidence.json", "json", None, _records),
    Target(BTC_BALANCES, "btc.txt", "lines", None, _lines),
    Target(BTC_BALANCES, "btc-evidence.json", "json", None, _records),
    Target(
        ["history", "add", "{w}/report.json", "--db", "{w}/out/history.sqlite"],
        "report.json",
        "json",
        model_reading(of_model(Report)),
    ),
    Target(
        ["ownership", "verify", "{w}/own.json", *OWNERSHIP],
        "own.json",
        "json",
        model_reading(of_model(list[OwnershipClaim])),
        _each_one_of_the_originals(_claims, "own.json"),
    ),
    Target(
        ["ownership", "verify", "{w}/own.csv", *OWNERSHIP],
        "own.csv",
        "csv",
        None,
        _each_one_of_the_originals(_csv_rows, "own.csv"),
    ),
    Target(
        ["ownership", "verify", "{w}/htx.csv", *OWNERSHIP],
        "htx.csv",
        "csv",
        None,
        _each_one_of_the_originals(_htx_rows, "htx.csv"),
    ),
]


def run_target(target: Target, work: Path, edits: dict[str, bytes]) -> Run:
    _materialise(work, edits)
    (work / "out").mkdir(exist_ok=True)
    return por(*(arg.replace("{w}", str(work)) for arg in target.command))


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_every_command_passes_on_its_valid_inputs(target: Target, tmp_path: Path) -> None:
    """The baseline: each command, on the inputs the edits start from, passes."""
    run = run_target(target, tmp_path, {})
    assert_sane(run)
    assert run.code == target.valid_exit, run


def check(target: Target, data: bytes, work: Path) -> Run:
    """Run `target` with its file replaced by `data`, and hold it to the property."""
    run = run_target(target, work, {target.file: data})
    assert_sane(run)
    refused = False
    if target.reading is not None:
        try:
            target.reading(data)
        except Refused:
            refused = True
    if refused:
        assert run.code in target.refused_exits, f"a strict reading refuses {target.file}: {run}"
    if run.code == 0 and target.bound is not None:
        original = FILES[target.file]
        assert target.bound(data) == target.bound(original), f"passed with a changed {target.file}"
    if run.code == 0 and target.after is not None:
        target.after(work, data)
    return run


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
@HOSTILE
@given(data=st.data())
def test_hostile_edits_of_every_input(target: Target, data: st.DataObject, tmp_path: Path) -> None:
    edited = data.draw(EDITS[target.kind](FILES[target.file]), label=target.file)
    with tempfile.TemporaryDirectory(dir=tmp_path) as work:
        check(target, edited, Path(work))
