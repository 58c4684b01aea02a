"""The data-loss suite, through the real `por` CLI: every output option against an
existing file, an input of the same run, a directory, a missing parent, a read-only
place, and kill -9 while a tree or an export is written. What was there is never
destroyed: refused outputs leave every file as it was, and a killed run leaves the old
file intact or the new one whole, and nothing a later command takes for a tree."""

import json
import os
import select
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.support import attestations
from tests.support.cli import Run
from tests.support.unprivileged import as_nobody, needs_root, reachable_directory
from verifier.cli import main
from verifier.io.outputs import PARTIAL

DEMO = ROOT / "fixtures" / "demo"
TREE = ("tree.bin", "accounts.sqlite", "lookup.bin", "root.json")
ASSETS = "BTC:8,ETH:18,USDT:6"
KEY = "ab" * 32
Por = Callable[..., Run]


def leftovers(directory: Path) -> list[str]:
    return sorted(e.name for e in directory.iterdir() if PARTIAL in e.name)


def one_line(stderr: str) -> str:
    """The single error line of an exit 2, without its prefix."""
    assert stderr.startswith("por: error: ") and stderr.count("\n") == 1, stderr
    return stderr[len("por: error: ") : -1]


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under `directory`, by relative path."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _demo_blocks() -> list[str]:
    att = json.loads((DEMO / "attestation.json").read_text())
    chains = att["snapshot"]["chains"]
    return [f"--block={c['chain']}={c['height']}:{c['block_hash']}" for c in chains]


def _json(data: bytes) -> bool:
    return isinstance(json.loads(data), dict)


def _html(data: bytes) -> bool:
    return data[:15].lower() == b"<!doctype html>" and data.rstrip().endswith(b"</html>")


def _bundle(data: bytes) -> bool:
    return bool(json.loads(data)["format"] == "por-evidence-v1")


def _export(data: bytes) -> bool:
    lines = data.decode().splitlines()
    return len(lines) == 1000 and all(json.loads(line)["format"] == "por-mst-v1" for line in lines)


@dataclass(frozen=True)
class Case:
    """One output option of one command: its arguments for an output path, the inputs
    of that run (relative to the workspace), the exit codes of a run that writes, and
    what a whole output looks like."""

    name: str
    argv: Callable[[Path, Path, str], list[str]]  # (workspace, output, closed node URL)
    inputs: tuple[str, ...]
    exits: tuple[int, ...]
    whole: Callable[[bytes], bool]

    def __str__(self) -> str:
        return self.name


def _verify(command: str, flag: str) -> Callable[[Path, Path, str], list[str]]:
    def argv(w: Path, out: Path, _: str) -> list[str]:
        replay = ["--offline", str(w / "evidence.json")] if flag != "--evidence-out" else []
        return [command, str(w / "attestation.json"), *replay, flag, str(out)]

    return argv


def _reconcile(flag: str) -> Callable[[Path, Path, str], list[str]]:
    def argv(w: Path, out: Path, _: str) -> list[str]:
        att, bal = w / "rec-attestation.json", w / "balances.json"
        return ["reconcile", str(att), "--balances", str(bal), flag, str(out)]

    return argv


def _chain(w: Path, out: Path, node: str | None) -> list[str]:
    return [
        "chain", "balances", "--chain", "ethereum", "--snapshot", "1:0x" + "11" * 32,
        "--addresses", str(w / "addresses.txt"), "--chain-id", "1",
        *(["--rpc", node] if node else []), "--evidence-out", str(out),
    ]  # fmt: skip


CASES = [
    Case(
        "attest --out",
        lambda w, out, _: [
            "attest",
            str(w / "attest-config.json"),
            "--root",
            str(w / "tree" / "root.json"),
            *_demo_blocks(),
            "--out",
            str(out),
        ],
        ("attest-config.json", "tree/root.json"),
        (0,),
        _json,
    ),
    Case(
        "verify --json",
        _verify("verify", "--json"),
        ("attestation.json", "evidence.json"),
        (0,),
        _json,
    ),
    Case(
        "verify --html",
        _verify("verify", "--html"),
        ("attestation.json", "evidence.json"),
        (0,),
        _html,
    ),
    Case(
        "self-check --json",
        _verify("self-check", "--json"),
        ("attestation.json", "evidence.json"),
        (0,),
        _json,
    ),
    # no endpoint: every read is inconclusive (exit 2), and the bundle of the run is still written
    Case(
        "verify --evidence-out",
        _verify("verify", "--evidence-out"),
        ("attestation.json",),
        (2,),
        _bundle,
    ),
    Case(
        "reconcile --json",
        _reconcile("--json"),
        ("rec-attestation.json", "balances.json"),
        (0,),
        _json,
    ),
    Case(
        "reconcile --html",
        _reconcile("--html"),
        ("rec-attestation.json", "balances.json"),
        (0,),
        _html,
    ),
    # the node is unreachable (exit 2): what was asked is recorded all the same
    Case("chain balances --evidence-out", _chain, ("addresses.txt",), (2,), _bundle),
    Case(
        "inclusion page --out",
        lambda w, out, _: ["inclusion", "page", "--out", str(out)],
        (),
        (0,),
        _html,
    ),
    Case(
        "tree export --out",
        lambda w, out, _: ["tree", "export", str(w / "tree"), "--out", str(out)],
        tuple(f"tree/{name}" for name in TREE),
        (0,),
        _export,
    ),
]
INPUTS = [(case, source) for case in CASES for source in case.inputs]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copies of the inputs every case reads: a test that wrote over one would show."""
    w = tmp_path_factory.mktemp("inputs")
    for name in ("attestation.json", "evidence.json", "attest-config.json"):
        shutil.copy(DEMO / name, w / name)
    shutil.copytree(DEMO / "tree", w / "tree")
    att = attestations.attestation()
    attestations.write(w / "rec-attestation.json", att)
    attestations.write(w / "balances.json", attestations.balances(att))
    (w / "addresses.txt").write_text("0x" + "ab" * 20 + "\n")
    return w


@pytest.fixture(scope="module")
def closed_node() -> str:
    """A local URL nothing listens on: a run that gets as far as reading fails fast."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_existing_output_is_refused_and_replaced_only_with_force(
    por: Por, work: Path, closed_node: str, tmp_path: Path, case: Case
) -> None:
    out = tmp_path / "existing"
    out.write_bytes(b"what was there\n")
    inputs = snapshot(work)
    code, _, err = por(*case.argv(work, out, closed_node))
    assert code == 2 and one_line(err) == f"{out}: already exists; --force replaces it"
    assert out.read_bytes() == b"what was there\n"
    code, _, err = por(*case.argv(work, out, closed_node), "--force")
    assert code in case.exits, err
    assert case.whole(out.read_bytes())
    assert leftovers(tmp_path) == [] and snapshot(work) == inputs


@pytest.mark.parametrize("link", ["same path", "symbolic link", "hard link"])
@pytest.mark.parametrize(("case", "source"), INPUTS, ids=lambda x: str(x).replace("/", "-"))
def test_an_input_is_never_written_over_even_with_force(
    por: Por, work: Path, closed_node: str, tmp_path: Path, case: Case, source: str, link: str
) -> None:
    inputs = snapshot(work)
    out = work / source
    if link == "symbolic link":
        out = tmp_path / "link"
        out.symlink_to(work / source)
    elif link == "hard link":
        out = tmp_path / "link"
        os.link(work / source, out)
    code, _, err = por(*case.argv(work, out, closed_node), "--force")
    assert code == 2
    assert one_line(err).startswith(f"{out}: ") and "an input of this run" in err
    assert "even with --force" in err
    assert snapshot(work) == inputs  # byte for byte
    assert leftovers(tmp_path) == [] and leftovers(work) == [] and leftovers(work / "tree") == []


@pytest.mark.parametrize(
    ("place", "problem"),
    [
        ("a directory", "is a directory, not a file"),
        ("a missing parent", "no such directory"),
        ("a parent that is a file", "a part of the path is not a directory"),
    ],
)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_place_that_cannot_take_the_file_is_one_line_exit_2(
    por: Por, work: Path, closed_node: str, tmp_path: Path, case: Case, place: str, problem: str
) -> None:
    if place == "a directory":
        out = tmp_path / "dir"
        out.mkdir()
    elif place == "a missing parent":
        out = tmp_path / "missing" / "out"
    else:
        (tmp_path / "file").write_text("x")
        out = tmp_path / "file" / "out"
    before = snapshot(tmp_path)
    code, stdout, err = por(*case.argv(work, out, closed_node), "--force")
    assert code == 2 and stdout == ""
    line = one_line(err)
    assert line.startswith(f"{out}: ") and problem in line
    assert snapshot(tmp_path) == before and leftovers(tmp_path) == []


@needs_root
@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_read_only_directory_is_refused_before_any_work(
    work: Path, closed_node: str, case: Case
) -> None:
    """Root ignores permission bits, so `por` runs in a child that became `nobody`
    (tests/support/unprivileged.py), for whom a root-owned 0755 directory is read-only.
    The inputs lie where nobody cannot even read them: the refusal comes first."""
    with reachable_directory() as d:
        out = d / "out"

        def run() -> int:
            sys.argv = ["por", *case.argv(work, out, closed_node), "--force"]
            try:
                main()
            except SystemExit as e:
                return int(e.code or 0)
            return 0

        code, err = as_nobody(run)
        assert code == 2 and one_line(err) == f"{out}: cannot write in {d} (permission denied)"
        assert list(d.iterdir()) == []


@pytest.fixture
def silent_node() -> Iterator[tuple[str, socket.socket]]:
    """A node that accepts connections and never answers: a run that asked it anything
    would wait, and the connection would be seen queued here."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield f"http://127.0.0.1:{s.getsockname()[1]}", s


def _asked(listener: socket.socket) -> bool:
    return bool(select.select([listener], [], [], 0)[0])


def test_outputs_are_checked_before_any_node_is_asked(
    por: Por, work: Path, tmp_path: Path, silent_node: tuple[str, socket.socket]
) -> None:
    node, listener = silent_node
    report = tmp_path / "report.json"
    report.write_text("an earlier report")
    att = str(work / "attestation.json")
    code, _, err = por("verify", att, "--eth-rpc", node, "--btc-rpc", node, "--json", str(report))
    assert code == 2 and "already exists" in err
    code, _, err = por(*_chain(work, report, node))
    assert code == 2 and "already exists" in err
    assert not _asked(listener)


def test_an_offline_replay_with_evidence_out_is_refused(
    por: Por, work: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "new-bundle.json"
    replay = ["--offline", str(work / "evidence.json")]
    code, _, err = por(
        "verify", str(work / "attestation.json"), *replay, "--evidence-out", str(bundle)
    )
    assert code == 2 and one_line(err) == "--evidence-out: an offline replay records nothing new"
    code, _, err = por(*_chain(work, bundle, None), *replay)
    assert code == 2 and one_line(err) == "--evidence-out: an offline replay records nothing new"
    assert not bundle.exists()


# ---- por tree build --out DIR ------------------------------------------------------


def write_ledger(path: Path, n: int, salt: int = 0) -> Path:
    rows = "".join(f"user-{i},{(i * 7 + salt) % 1000}.5,{i % 13},{i + salt}\n" for i in range(n))
    path.write_text("account_id,BTC,ETH,USDT\n" + rows)
    return path


def build_args(ledger: Path, out: Path, *extra: str) -> list[str]:
    return [
        "tree", "build", str(ledger), "--assets", ASSETS, "--snapshot-id", "s",
        "--nonce-key", KEY, "--out", str(out), *extra,
    ]  # fmt: skip


def test_build_refuses_an_existing_tree_or_a_non_empty_directory(por: Por, tmp_path: Path) -> None:
    old_ledger = write_ledger(tmp_path / "old.csv", 50)
    new_ledger = write_ledger(tmp_path / "new.csv", 60, salt=1)
    out = tmp_path / "tree"
    assert por(*build_args(old_ledger, out))[0] == 0
    old = snapshot(out)
    code, _, err = por(*build_args(new_ledger, out))
    assert code == 2
    assert one_line(err) == (
        f"{out}: already holds tree.bin, accounts.sqlite, lookup.bin, root.json; --force replaces them"
    )
    assert snapshot(out) == old  # the old nonces are still there

    (out / "notes.txt").write_text("the exchange's own notes")
    code, _, err = por(*build_args(new_ledger, out, "--force"))
    assert code == 0, err
    now = snapshot(out)
    assert now["notes.txt"] == b"the exchange's own notes" and set(now) == {*TREE, "notes.txt"}
    assert json.loads(now["root.json"])["account_count"] == 60

    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("keep")
    code, _, err = por(*build_args(new_ledger, other))
    assert code == 2 and one_line(err).startswith(f"{other}: is not empty; --force writes")
    assert snapshot(other) == {"keep.txt": b"keep"}


@pytest.mark.parametrize("name", TREE)
def test_build_never_writes_over_its_ledger(por: Por, tmp_path: Path, name: str) -> None:
    out = tmp_path / "tree"
    out.mkdir()
    ledger = write_ledger(out / name, 5)  # a ledger named like a tree file, in DIR
    before = ledger.read_bytes()
    code, _, err = por(*build_args(ledger, out, "--force"))
    assert code == 2 and "an input of this run" in one_line(err)
    assert snapshot(out) == {name: before}


def test_a_failed_build_leaves_the_old_tree_or_nothing(por: Por, tmp_path: Path) -> None:
    good = write_ledger(tmp_path / "good.csv", 40)
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text() + "user-3,1,1,1\n")  # an id twice: found after hashing
    out = tmp_path / "tree"
    assert por(*build_args(good, out))[0] == 0
    old = snapshot(out)
    code, _, err = por(*build_args(bad, out, "--force"))
    assert code == 2 and "duplicate account id 'user-3'" in err
    assert snapshot(out) == old and leftovers(out) == []
    fresh = tmp_path / "fresh"
    assert por(*build_args(bad, fresh))[0] == 2
    assert not fresh.exists()  # made for the build, removed with its temporaries


@pytest.mark.parametrize(
    ("place", "problem"),
    [("a file", "is a file, not a directory"), ("a missing parent", "no such directory")],
)
def test_build_out_onto_a_file_or_under_a_missing_parent(
    por: Por, tmp_path: Path, place: str, problem: str
) -> None:
    ledger = write_ledger(tmp_path / "l.csv", 3)
    out = tmp_path / "file" if place == "a file" else tmp_path / "missing" / "tree"
    if place == "a file":
        out.write_text("not a tree")
    code, _, err = por(*build_args(ledger, out, "--force"))
    assert code == 2 and one_line(err).startswith(f"{out}: {problem}")


def test_export_never_truncates_an_export_before_it_succeeded(
    por: Por, work: Path, tmp_path: Path
) -> None:
    """The issue's case: a bad --accounts file used to leave a 1,000-line export with 2."""
    proofs = tmp_path / "proofs.jsonl"
    assert por("tree", "export", str(work / "tree"), "--out", str(proofs))[0] == 0
    whole = proofs.read_bytes()
    accounts = tmp_path / "accounts.txt"
    first_two = [json.loads(line)["account_id"] for line in whole.splitlines()[:2]]
    accounts.write_text("\n".join([*first_two, "nobody-at-all"]) + "\n")
    code, _, err = por(
        "tree", "export", str(work / "tree"), "--out", str(proofs), "--accounts", str(accounts),
        "--force",
    )  # fmt: skip
    assert code == 2 and "no account 'nobody-at-all'" in one_line(err)
    assert proofs.read_bytes() == whole and leftovers(tmp_path) == []


# ---- kill -9 mid-write ---------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """An old and a new version of an output, each whole, and how long the command that
    writes the new one spent writing it here (from its first temporary to its exit):
    the span in which the kills fall, so that they hit the writing, not the start-up."""

    old: dict[str, bytes]
    new: dict[str, bytes]
    span: float


def por_process(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "verifier", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def writing_began(p: subprocess.Popen[bytes], place: Path) -> float:
    """When the first temporary of `p` appeared in `place` (or `p` ended before)."""
    while p.poll() is None and not leftovers(place):
        time.sleep(0.001)
    return time.monotonic()


def timed(place: Path, *args: str) -> float:
    p = por_process(*args)
    began = writing_began(p, place)
    assert p.wait() == 0
    return time.monotonic() - began


def killed_while_writing(moment: float, span: float, place: Path, *args: str) -> None:
    p = por_process(*args)
    writing_began(p, place)
    time.sleep(moment * span)
    p.kill()  # SIGKILL: no handler, no clean-up, as kill -9
    p.wait()  # reaped: its pid is gone, so its temporaries are stale


def tree_args(out: Path, ledger: Path, *extra: str) -> list[str]:
    return build_args(ledger, out, "--height", "16", *extra)


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Written]:
    """The new tree's ledger (20,000 accounts), the old tree and the new one."""
    d = tmp_path_factory.mktemp("kill")
    old_ledger = write_ledger(d / "old.csv", 3000)
    ledger = write_ledger(d / "new.csv", 20000, salt=5)
    assert por_process(*tree_args(d / "old", old_ledger)).wait() == 0
    (d / "new").mkdir()
    span = timed(d / "new", *tree_args(d / "new", ledger))
    return ledger, Written(snapshot(d / "old"), snapshot(d / "new"), span)


def _tree_state(out: Path, por: Por, trees: Written) -> None:
    """What a kill left in `out`: a whole tree (old or new), or no root.json at all, and
    then `por tree proof` refuses it rather than cutting proofs from a mix."""
    now = snapshot(out)
    for name in ("tree.bin", "accounts.sqlite"):  # replaced by renames only, never emptied
        assert now[name] in (trees.old[name], trees.new[name]), name
    code, stdout, err = por("tree", "proof", str(out), "user-7")
    if "root.json" in now:
        assert {n: now[n] for n in TREE} in (
            {n: trees.old[n] for n in TREE},
            {n: trees.new[n] for n in TREE},
        )
        assert code == 0
        proof = out.parent / "proof.json"
        proof.write_text(stdout)
        assert por("inclusion", "verify", str(proof), "--root", str(out / "root.json"))[0] == 0
    else:
        assert code == 2 and "root.json: no such file" in one_line(err)


KILLS = settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@KILLS
@given(moment=st.floats(0.0, 1.0))
def test_a_build_killed_at_any_moment_leaves_the_old_tree_whole_or_none(
    por: Por, tmp_path_factory: pytest.TempPathFactory, trees: tuple[Path, Written], moment: float
) -> None:
    ledger, written = trees
    out = tmp_path_factory.mktemp("build") / "tree"
    out.mkdir()
    for name, data in written.old.items():
        (out / name).write_bytes(data)
    killed_while_writing(moment, written.span, out, *tree_args(out, ledger, "--force"))
    _tree_state(out, por, written)
    # the next build into that place removes the dead run's temporaries
    assert por(*tree_args(out, ledger, "--force"))[0] == 0
    assert snapshot(out) == written.new and leftovers(out) == []


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory, work: Path) -> Written:
    """An earlier export (10 proofs) and the whole export of the demo tree (1,000)."""
    d = tmp_path_factory.mktemp("exports")
    span = timed(d, "tree", "export", str(work / "tree"), "--out", str(d / "proofs.jsonl"))
    new = (d / "proofs.jsonl").read_bytes()
    old = b"".join(new.splitlines(keepends=True)[:10])
    return Written({"proofs.jsonl": old}, {"proofs.jsonl": new}, span)


@KILLS
@given(moment=st.floats(0.0, 1.0))
def test_an_export_killed_at_any_moment_leaves_the_old_export_or_the_new_whole(
    por: Por, tmp_path_factory: pytest.TempPathFactory, work: Path, exports: Written, moment: float
) -> None:
    place = tmp_path_factory.mktemp("export")
    proofs = place / "proofs.jsonl"
    old, new = exports.old["proofs.jsonl"], exports.new["proofs.jsonl"]
    proofs.write_bytes(old)
    export = ["tree", "export", str(work / "tree"), "--out", str(proofs), "--force"]
    killed_while_writing(moment, exports.span, place, *export)
    assert proofs.read_bytes() in (old, new)
    root = str(work / "tree" / "root.json")
    subset = ["--subset"] if proofs.read_bytes() == old else []  # 10 of the 1,000 proofs
    code, _, err = por(
        "inclusion", "verify-all", str(proofs), "--root", root, "--workers", "1", *subset
    )
    assert code == 0, err
    assert por(*export)[0] == 0
    assert proofs.read_bytes() == new and leftovers(place) == []


def test_a_build_killed_while_its_partitions_are_on_disk_leaves_no_tree_and_no_scratch(
    por: Por, tmp_path: Path, trees: tuple[Path, Written]
) -> None:
    """Killed while the leaves are spilled to their partitions (a small --memory makes
    several): no root.json, so no command takes the rest for a tree; the next build into
    the place, not forced, finds it empty but for the dead run's files and removes them."""
    ledger, written = trees
    out = tmp_path / "tree"
    out.mkdir()
    p = por_process(*tree_args(out, ledger, "--memory", "223M"))  # 8 partitions
    while p.poll() is None and not any(e.is_dir() for e in out.iterdir()):
        time.sleep(0.001)
    p.kill()
    p.wait()
    scratch = [e for e in out.iterdir() if e.is_dir()]
    assert [e.name.split(PARTIAL)[0] for e in scratch] == [".tree-partitions"]
    assert "root.json" not in snapshot(out)
    code, _, err = por("tree", "proof", str(out), "user-7")
    assert code == 2 and "root.json: no such file" in one_line(err)
    assert por(*tree_args(out, ledger))[0] == 0
    assert snapshot(out) == written.new and leftovers(out) == []
