"""verifier/io/outputs: what a run writes is checked before the work, written whole at the
end, and never destroys an input or, unless forced, an existing file."""

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.support.unprivileged import as_nobody, needs_root, reachable_directory
from verifier.errors import InputError
from verifier.io.outputs import PARTIAL, Outputs


def outputs(*inputs: Path, force: bool = False) -> Outputs:
    return Outputs(inputs, force=force, force_flag="--force")


def leftovers(directory: Path) -> list[str]:
    return sorted(e.name for e in directory.iterdir() if PARTIAL in e.name)


def refused(o: Outputs, path: Path, flag: str = "--json") -> str:
    with pytest.raises(InputError) as e:
        o.add(path, flag)
    assert "\n" not in str(e.value)
    return str(e.value)


def test_a_new_file_appears_only_at_commit_and_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    o = outputs()
    o.add(target, "--json")
    o.stage(target, b'{"whole": true}\n')
    assert not target.exists() and leftovers(tmp_path) == []
    o.commit()
    assert target.read_bytes() == b'{"whole": true}\n'
    assert leftovers(tmp_path) == []
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()  # as open() would make it


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_an_existing_file_is_refused_unless_forced_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"old")
    target.chmod(0o640)
    assert refused(outputs(), target) == f"{target}: already exists; --force replaces it"
    assert target.read_bytes() == b"old"
    with outputs(force=True) as o:
        o.add(target, "--json")
        o.stage(target, b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("link", ["same", "symlink", "hardlink", "relative"])
def test_an_input_is_refused_even_forced(tmp_path: Path, link: str) -> None:
    source = tmp_path / "attestation.json"
    source.write_bytes(b"the input")
    target = {
        "same": source,
        "symlink": tmp_path / "link.json",
        "hardlink": tmp_path / "hard.json",
        "relative": tmp_path / "sub" / ".." / "attestation.json",
    }[link]
    if link == "symlink":
        target.symlink_to(source.name)
    elif link == "hardlink":
        os.link(source, target)
    elif link == "relative":
        (tmp_path / "sub").mkdir()
    message = refused(outputs(source, force=True), target, "--html")
    assert message == (
        f"{target}: --html would write over {source}, an input of this run: "
        "refused, even with --force"
    )
    assert source.read_bytes() == b"the input"


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        ("directory", "is a directory, not a file"),
        ("missing parent", "no such directory"),
        ("parent is a file", "a part of the path is not a directory"),
        ("fifo", "is not a regular file"),
    ],
)
def test_a_place_that_cannot_take_the_file_is_refused_forced_or_not(
    tmp_path: Path, make: str, problem: str
) -> None:
    if make == "directory":
        target = tmp_path / "out"
        target.mkdir()
    elif make == "missing parent":
        target = tmp_path / "nowhere" / "out.json"
    elif make == "parent is a file":
        (tmp_path / "file").write_text("x")
        target = tmp_path / "file" / "out.json"
    else:
        target = tmp_path / "pipe"
        os.mkfifo(target)
    for force in (False, True):
        message = refused(outputs(force=force), target)
        assert message.startswith(f"{target}: ") and problem in message


def test_one_file_for_two_outputs_is_refused(tmp_path: Path) -> None:
    o = outputs()
    o.add(tmp_path / "r", "--json")
    assert (
        refused(o, tmp_path / "r", "--html")
        == f"{tmp_path / 'r'}: given for both --json and --html"
    )


def test_an_error_renames_nothing_and_removes_the_temporaries(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "sub" / "b.json"
    first.write_bytes(b"old a")
    (tmp_path / "sub").mkdir()
    o = outputs(force=True)
    o.add(first, "--json")
    o.add(second, "--html")
    o.stage(first, b"new a")
    o.stage(second, b"new b")
    (tmp_path / "sub").rmdir()  # the second file can no longer be written
    with pytest.raises(InputError, match=r"b\.json: cannot write"):
        o.commit()
    assert first.read_bytes() == b"old a" and leftovers(tmp_path) == []

    streamed = tmp_path / "proofs.jsonl"
    with pytest.raises(RuntimeError), outputs() as o:
        o.add(streamed, "--out")
        o.temporary(streamed).write_text("half")
        raise RuntimeError("the export failed")
    assert not streamed.exists() and leftovers(tmp_path) == []


def test_stale_temporaries_of_a_dead_run_are_removed_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as live:
        try:
            stale = tmp_path / f".r.json{PARTIAL}{dead_pid}-abc123"
            busy = tmp_path / f".r.json{PARTIAL}{live.pid}-def456"
            other = tmp_path / f".other.json{PARTIAL}{dead_pid}-abc123"
            for p in (stale, busy, other):
                p.write_text("partial")
            outputs().add(tmp_path / "r.json", "--json")
            assert not stale.exists()
            assert busy.exists()  # a run still writing it: not ours to remove
            assert other.exists()  # another file's: only a run writing that file removes it
        finally:
            live.kill()


def test_a_directory_set_is_refused_when_it_holds_anything_unless_forced(tmp_path: Path) -> None:
    names = ["tree.bin", "accounts.sqlite", "root.json"]
    d = tmp_path / "tree"
    d.mkdir()
    (d / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match=r"is not empty; --force writes tree\.bin"):
        outputs().add_directory(d, "--out", names)
    (d / "root.json").write_text("old root")
    with pytest.raises(InputError, match=r"already holds root\.json; --force replaces it$"):
        outputs().add_directory(d, "--out", names)
    with outputs(force=True) as o:
        o.add_directory(d, "--out", names)
        for name in names:
            o.stage(d / name, name.encode())
    assert {p.name: p.read_text() for p in d.iterdir()} == {
        "notes.txt": "keep me",
        **{name: name for name in names},
    }
    (tmp_path / "plain").write_text("x")
    with pytest.raises(InputError, match="plain: is a file, not a directory"):
        outputs(force=True).add_directory(tmp_path / "plain", "--out", names)


def test_a_missing_directory_is_made_and_removed_again_on_error(tmp_path: Path) -> None:
    d = tmp_path / "new"
    with pytest.raises(RuntimeError), outputs() as o:
        o.add_directory(d, "--out", ["a", "b"])
        o.temporary(d / "a").write_text("half")
        raise RuntimeError("the build failed")
    assert not d.exists()
    with pytest.raises(InputError, match="no such directory"):
        outputs().add_directory(tmp_path / "no" / "new", "--out", ["a"])


def test_a_set_inside_a_missing_set_is_made_with_it_and_removed_with_it(tmp_path: Path) -> None:
    """A plan directory with its entitlement tree inside: neither exists before the run."""
    plan, tree = tmp_path / "plan", tmp_path / "plan" / "tree"
    with pytest.raises(RuntimeError), outputs() as o:
        o.add_directory(plan, "--out", ["plan.csv", "summary.json"])
        o.add_directory(tree, "--out", ["tree.bin", "root.json"])
        o.temporary(tree / "tree.bin").write_text("half")
        raise RuntimeError("the build failed")
    assert not plan.exists()
    with outputs() as o:
        o.add_directory(plan, "--out", ["plan.csv", "summary.json"])
        o.add_directory(tree, "--out", ["tree.bin", "root.json"])
        for name, path in [("tree.bin", tree), ("root.json", tree), ("summary.json", plan)]:
            o.stage(path / name, name.encode())
    assert sorted(str(p.relative_to(plan)) for p in plan.rglob("*")) == [
        "summary.json",
        "tree",
        "tree/root.json",
        "tree/tree.bin",
    ]
    with pytest.raises(InputError, match="no such directory"):
        outputs().add_directory(tmp_path / "no" / "tree", "--out", ["a"])


# A child that stages three files of a set over an old set, then dies by SIGKILL just
# before its STEP-th rename or removal: every moment between two of them.
CHILD = """
import os, signal, sys
from pathlib import Path
from verifier.io.outputs import Outputs
directory, step = Path(sys.argv[1]), int(sys.argv[2])
moves = 0
def dying(real):
    def move(*args, **kwargs):
        global moves
        if moves == step:
            os.kill(os.getpid(), signal.SIGKILL)
        moves += 1
        return real(*args, **kwargs)
    return move
o = Outputs([], force=True, force_flag="--force")
o.add_directory(directory, "--out", ["a", "b", "key"])
for name in ("a", "b", "key"):
    o.stage(directory / name, b"new " + name.encode() * 100000)
os.replace, os.unlink = dying(os.replace), dying(os.unlink)
o.commit()
"""


@pytest.mark.parametrize("step", range(5))
def test_a_kill_between_renames_never_leaves_a_set_that_looks_whole(
    tmp_path: Path, step: int
) -> None:
    d = tmp_path / "set"
    d.mkdir()
    old = {name: b"old " + name.encode() for name in ("a", "b", "key")}
    for name, data in old.items():
        (d / name).write_bytes(data)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(d), str(step)], cwd=ROOT, capture_output=True
    )
    new = {name: b"new " + name.encode() * 100000 for name in old}
    now = {name: (d / name).read_bytes() if (d / name).exists() else None for name in old}
    if step < 4:
        assert child.returncode == -signal.SIGKILL, child.stderr
        assert leftovers(d)  # the dead run's temporaries of what it had not yet renamed
    else:
        assert child.returncode == 0 and now == new, child.stderr
    assert all(now[n] in (old[n], new[n]) for n in ("a", "b")), "a file is neither old nor new"
    if now["key"] is not None:  # the keystone says the set is whole: all old or all new
        assert now in (old, new)
    if step == 0:
        assert now == old
    if step == 1:
        assert now["key"] is None  # removed before anything of the set was replaced
    outputs(force=True).add_directory(d, "--out", ["a", "b", "key"])
    assert leftovers(d) == []  # the next run into that place removed the dead one's


@needs_root
def test_a_read_only_directory_is_refused_at_once_forced_or_not() -> None:
    """Root ignores permission bits, so the check runs as `nobody`, for whom a
    root-owned 0755 directory is read-only; nothing may be left in it."""
    with reachable_directory() as d:
        target = d / "report.json"

        def add() -> int:
            try:
                Outputs([], force=True, force_flag="--force").add(target, "--json")
            except InputError as e:
                print(e, file=sys.stderr)
                return 2
            return 0

        code, stderr = as_nobody(add)
        assert (code, stderr) == (2, f"{target}: cannot write in {d} (permission denied)\n")
        assert list(d.iterdir()) == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    exists=st.lists(st.booleans(), min_size=3, max_size=3),
    is_input=st.lists(st.booleans(), min_size=3, max_size=3),
    force=st.booleans(),
)
def test_a_refused_run_changes_nothing_an_accepted_one_writes_all(
    tmp_path: Path, exists: list[bool], is_input: list[bool], force: bool
) -> None:
    d = Path(tempfile.mkdtemp(dir=tmp_path))
    paths = [d / f"out{i}" for i in range(3)]
    for path, there in zip(paths, exists, strict=True):
        if there:
            path.write_bytes(b"before")
    inputs = [p for p, i, e in zip(paths, is_input, exists, strict=True) if i and e]
    o = outputs(*inputs, force=force)
    before = {p: p.read_bytes() for p in paths if p.exists()}
    should_refuse = bool(inputs) or (any(exists) and not force)
    try:
        for i, path in enumerate(paths):
            o.add(path, f"--out{i}")
    except InputError:
        assert should_refuse
        assert {p: p.read_bytes() for p in paths if p.exists()} == before
        return
    assert not should_refuse
    with o:
        for path in paths:
            o.stage(path, b"after")
    assert all(p.read_bytes() == b"after" for p in paths) and leftovers(d) == []
