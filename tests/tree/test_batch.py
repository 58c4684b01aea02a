"""`por inclusion verify-all`: every proof of an export against the published root, on
every core, each failure named by its line; the export checked as a whole (no account
or leaf twice, one proof for each account root.json declares); options that cannot
apply refused; and no worker process left behind, however the run ends."""

import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tree.helpers import build_tree, run, write_ledger
from verifier.cli.inclusion import SHOWN
from verifier.errors import InputError
from verifier.tree import batch
from verifier.tree.prove import proof_json_line
from verifier.tree.spec import enc, leaf_hash, node_hash, root_commitment
from verifier.tree.verify import NOT_COMPARED

POR = Path(sys.executable).with_name("por")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("batch")
    rows = [(f"u{i}", str(i), "0.5", "1") for i in range(300)]
    ledger = write_ledger(d / "l.csv", rows)
    assert build_tree(ledger, d / "t", "--height", "16", snapshot_id="s").exit_code == 0
    assert run("tree", "export", str(d / "t"), "--out", str(d / "all.jsonl")).exit_code == 0
    return d


def verify_all(d: Path, proofs: Path, *extra: str) -> tuple[int, str]:
    r = run("inclusion", "verify-all", str(proofs), "--root", str(d / "t" / "root.json"), *extra)
    return r.exit_code, r.stdout + r.stderr


def commitment(d: Path) -> str:
    return str(json.loads((d / "t" / "root.json").read_text())["root_commitment"])


def lines_of(d: Path) -> list[str]:
    return (d / "all.jsonl").read_text().splitlines()


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines))
    return path


@pytest.mark.parametrize("workers", ["1", "2"])
def test_every_exported_proof_is_included(export: Path, workers: str) -> None:
    code, output = verify_all(export, export / "all.jsonl", "--workers", workers)
    assert code == 0 and "300 of 300 proofs included" in output
    assert "one proof for each of the 300 accounts root.json declares" in output


def test_a_tampered_and_a_malformed_line_are_named(export: Path, tmp_path: Path) -> None:
    lines = (export / "all.jsonl").read_text().splitlines()
    bad = json.loads(lines[41])
    bad["siblings"][3]["sums"][0] = str(int(bad["siblings"][3]["sums"][0]) + 1)
    lines[41] = json.dumps(bad)
    lines[200] = lines[200].replace('"index":', '"index":-')
    (tmp_path / "p.jsonl").write_text("\n".join(lines) + "\n")
    code, output = verify_all(export, tmp_path / "p.jsonl")
    assert code == 1 and "298 of 300 proofs included" in output
    assert f"line 42: {bad['account_id']}: step 4 (root)" in output
    assert "line 201: malformed: line 201: index" in output


def test_another_published_root_fails_every_proof(export: Path) -> None:
    r = run("inclusion", "verify-all", str(export / "all.jsonl"), "--commitment", "ab" * 32)
    assert r.exit_code == 1 and "0 of 300 proofs included" in r.stdout and "step 6" in r.stdout


def test_the_published_value_is_given_once_or_the_result_is_inconclusive(export: Path) -> None:
    # Without --root or --commitment, verify-all now runs every check and is
    # inconclusive (exit 2) with the sentence every inclusion command uses (issue 10);
    # before, it refused to run at all (also exit 2).
    r = run("inclusion", "verify-all", str(export / "all.jsonl"))
    assert r.exit_code == 2 and r.stderr == ""
    assert (
        f"300 of 300 proofs included under the first proof's own commitment {commitment(export)}"
        in r.stdout
    )
    assert r.stdout.splitlines()[-1] == f"INCONCLUSIVE: {NOT_COMPARED}"
    r = run(
        "inclusion",
        "verify-all",
        str(export / "all.jsonl"),
        "--commitment",
        "ab",
        "--root",
        str(export / "t" / "root.json"),
    )
    assert r.exit_code == 2


def test_without_a_published_value_the_proofs_must_share_one_root(
    export: Path, tmp_path: Path, bob_proof: dict[str, Any]
) -> None:
    """A proof of another tree in the file fails, named by its line, even with nothing
    published to compare with (with a published value, step 6 fails it)."""
    lines = lines_of(export)
    lines.insert(10, proof_json_line(bob_proof).strip())
    p = write_lines(tmp_path / "mixed.jsonl", lines)
    r = run("inclusion", "verify-all", str(p), "--subset")
    assert r.exit_code == 1, r.output
    assert (
        f"line 11: bob: root_commitment {bob_proof['root_commitment']} is not {commitment(export)}, "
        "the first proof's" in r.stdout
    )
    code, output = verify_all(export, p, "--subset")
    assert code == 1 and "line 11: bob: step 6 (published commitment)" in output


def test_a_repeated_line_fails_naming_both_lines(export: Path, tmp_path: Path) -> None:
    lines = lines_of(export)
    p = write_lines(tmp_path / "repeat.jsonl", [*lines, lines[4]])
    for extra in ([], ["--subset"], ["--workers", "2"]):
        code, output = verify_all(export, p, *extra)
        assert code == 1, (extra, output)
        assert "DUPLICATE line 301: the account id of line 5 again" in output
        assert "DUPLICATE line 301: the leaf index of line 5 again" in output
        assert "301 of 301 proofs included" in output  # each proof on its own is fine
    code, output = verify_all(export, p)
    assert "INCOMPLETE: 301 proofs for the 300 accounts root.json declares: 1 more" in output


def hand_built_tree(accounts: list[str]) -> list[str]:
    """The proof lines of every leaf of a height-2 tree built leaf by leaf with the
    spec's functions: it can hold what `tree build` refuses (an account id twice)."""
    assets = [("BTC", 8)]
    nonces = [bytes([i + 1]) * 32 for i in range(4)]
    leaves = [
        leaf_hash(a, n, [i + 1]) for i, (a, n) in enumerate(zip(accounts, nonces, strict=True))
    ]
    sums = [[i + 1] for i in range(4)]
    mid = [node_hash(leaves[0], enc(sums[0]), leaves[1], enc(sums[1])),
           node_hash(leaves[2], enc(sums[2]), leaves[3], enc(sums[3]))]  # fmt: skip
    mid_sums = [[3], [7]]
    top = node_hash(mid[0], enc(mid_sums[0]), mid[1], enc(mid_sums[1]))
    c = root_commitment("hand", 2, assets, top, enc([10])).hex()
    out = []
    for i in range(4):
        siblings = [
            {"hash": leaves[i ^ 1].hex(), "sums": [str(sums[i ^ 1][0])]},
            {"hash": mid[1 - i // 2].hex(), "sums": [str(mid_sums[1 - i // 2][0])]},
        ]
        proof = {
            "format": "por-mst-v1", "snapshot_id": "hand", "height": 2,
            "assets": [{"symbol": "BTC", "decimals": 8}], "account_id": accounts[i],
            "nonce": nonces[i].hex(), "balances": [str(i + 1)], "index": i, "siblings": siblings,
            "root": {"hash": top.hex(), "sums": ["10"]}, "root_commitment": c,
        }  # fmt: skip
        out.append(proof_json_line(proof).strip())
    return out


def test_one_account_on_two_leaves_fails(tmp_path: Path) -> None:
    """Each proof is valid (a tree can be built to hold an account twice); the export
    is not: the account is named by both lines, its two leaves are not."""
    lines = hand_built_tree(["a", "mallory", "c", "mallory"])
    c = json.loads(lines[0])["root_commitment"]
    p = write_lines(tmp_path / "twice.jsonl", lines)
    r = run("inclusion", "verify-all", str(p), "--commitment", c, "--subset")
    assert r.exit_code == 1, r.output
    assert "DUPLICATE line 4: the account id of line 2 again" in r.stdout
    assert "leaf index" not in r.stdout and "4 of 4 proofs included" in r.stdout
    distinct = write_lines(tmp_path / "distinct.jsonl", hand_built_tree(["a", "b", "c", "d"]))
    c = json.loads(distinct.read_text().splitlines()[0])["root_commitment"]
    r = run("inclusion", "verify-all", str(distinct), "--commitment", c, "--subset")
    assert r.exit_code == 0, r.output


def test_missing_proofs_fail_unless_the_file_is_declared_a_subset(
    export: Path, tmp_path: Path
) -> None:
    p = write_lines(tmp_path / "some.jsonl", lines_of(export)[:250])
    code, output = verify_all(export, p)
    assert code == 1, output
    assert "250 of 250 proofs included" in output
    assert "INCOMPLETE: 250 proofs for the 300 accounts root.json declares: 50 missing" in output
    code, output = verify_all(export, p, "--subset")
    assert code == 0, output
    assert "completeness not checked (--subset)" in output


def test_an_export_of_some_accounts_passes_with_subset(export: Path, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("u3\nu77\nu200\n")
    out = tmp_path / "some.jsonl"
    r = run("tree", "export", str(export / "t"), "--out", str(out), "--accounts", str(accounts))
    assert r.exit_code == 0, r.output
    code, output = verify_all(export, out)
    assert code == 1 and "3 proofs for the 300 accounts root.json declares: 297 missing" in output
    code, output = verify_all(export, out, "--subset")
    assert code == 0 and "3 of 3 proofs included" in output


def test_with_only_a_commitment_completeness_is_not_a_silent_pass(export: Path) -> None:
    """The commitment does not say how many accounts the tree holds: without root.json
    the count is not checked, the output says so, and it is no pass unless --subset."""
    r = run(
        "inclusion", "verify-all", str(export / "all.jsonl"), "--commitment", commitment(export)
    )
    assert r.exit_code == 2 and r.stderr == "", r.output
    assert "300 of 300 proofs included under" in r.stdout
    assert "completeness not checked: the number of accounts is in root.json" in r.stdout
    assert r.stdout.splitlines()[-1] == "INCONCLUSIVE: completeness not checked"
    r = run(
        "inclusion",
        "verify-all",
        str(export / "all.jsonl"),
        "--commitment",
        commitment(export),
        "--subset",
    )
    assert r.exit_code == 0 and "completeness not checked (--subset)" in r.stdout


@pytest.mark.parametrize("content", ["", "\n", "\n  \n\t\n"])
def test_an_empty_file_is_exit_2(export: Path, tmp_path: Path, content: str) -> None:
    p = tmp_path / "empty.jsonl"
    p.write_text(content)
    for extra in ([], ["--subset"], ["--workers", "2"]):
        code, output = verify_all(export, p, *extra)
        assert code == 2
        assert (
            output.strip() == f"por: error: {p}: no proofs: the file has no line that is not blank"
        )


def test_a_line_with_a_key_twice_or_nan_is_malformed(export: Path, tmp_path: Path) -> None:
    lines = lines_of(export)
    lines[7] = lines[7].replace('"index":', '"index":0,"index":', 1)
    lines[8] = lines[8].replace('"decimals":8', '"decimals":8,"decimals":8', 1)
    lines[9] = lines[9].replace('"height":16', '"height":NaN', 1)
    code, output = verify_all(export, write_lines(tmp_path / "p.jsonl", lines))
    assert code == 1 and "297 of 300 proofs included" in output
    assert "line 8: malformed: line 8: key 'index' appears twice in one object" in output
    assert "line 9: malformed: line 9: key 'decimals' appears twice in one object" in output
    assert "line 10: malformed: line 10: NaN is not a number a file may hold" in output


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_selection_of_lines_passes_only_when_whole(
    export: Path, tmp_path: Path, data: st.DataObject
) -> None:
    """Property: lines of the export drawn in any order, with repeats and omissions,
    pass exactly when every line is there once; with --subset, when none repeats."""
    lines = lines_of(export)
    picks = data.draw(
        st.one_of(
            st.permutations(range(300)),
            st.lists(st.integers(0, 299), min_size=1, max_size=320),
        )
    )
    p = write_lines(tmp_path / "picked.jsonl", [lines[i] for i in picks])
    whole = sorted(picks) == list(range(300))
    repeats = len(set(picks)) != len(picks)
    code, output = verify_all(export, p, "--workers", "1")
    assert code == (0 if whole else 1), output
    code, output = verify_all(export, p, "--workers", "1", "--subset")
    assert code == (1 if repeats else 0), output
    # each repeated line repeats an account id and a leaf index; the first SHOWN are listed
    assert output.count("DUPLICATE") == min(2 * (len(picks) - len(set(picks))), SHOWN)


@pytest.mark.parametrize("workers", ["0", "-1", str(4 * batch.cores() + 1), "1000000"])
def test_a_worker_count_that_cannot_apply_is_refused(export: Path, workers: str) -> None:
    code, output = verify_all(export, export / "all.jsonl", "--workers", workers)
    assert code == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"por: error: --workers: {workers} is not between 1 and "
    )


def test_four_workers_a_core_is_the_most(export: Path) -> None:
    code, output = verify_all(export, export / "all.jsonl", "--workers", str(4 * batch.cores()))
    assert code == 0, output


# --- no worker outlives the command ----------------------------------------------------


def children(pid: int) -> set[int]:
    """The live child processes of `pid`, from /proc (every thread's children)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except (FileNotFoundError, ProcessLookupError):  # the thread ended meanwhile
            continue
    return {c for c in found if alive(c)}


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):  # gone before, or while, it was read
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def test_no_worker_remains_after_a_run(export: Path, tmp_path: Path) -> None:
    before = children(os.getpid())
    code, _ = verify_all(export, export / "all.jsonl", "--workers", "3")
    assert code == 0
    lines = lines_of(export)
    lines[3] = lines[3].replace('"index":', '"index":-')  # a failing line: exit 1
    code, _ = verify_all(export, write_lines(tmp_path / "p.jsonl", lines), "--workers", "3")
    assert code == 1
    assert multiprocessing.active_children() == []
    assert children(os.getpid()) - before == set()


def two_chunks_and_a_line(export: Path, rng: random.Random) -> str:
    """Lines of the export at random, enough for two whole chunks and one line more: the
    reader hands out two chunks and then waits for the rest of the third."""
    lines = lines_of(export)
    text: list[str] = []
    size = 0
    while size <= 2 * batch.CHUNK_BYTES:
        text.append(rng.choice(lines) + "\n")
        size += len(text[-1])
    return "".join(text)


def in_process(export: Path, tmp_path: Path, act: Any) -> tuple[Any, set[int]]:
    """verify-all run here (so that only its own clean-up can end its workers, not the
    death of its process) on a named pipe that a thread feeds: two chunks and a line,
    then `act(workers, feed)` once both workers run."""
    fifo = tmp_path / "proofs.fifo"
    os.mkfifo(fifo)
    before = children(os.getpid())
    seen: set[int] = set()

    def feeder() -> None:
        with open(fifo, "w") as feed, suppress(BrokenPipeError):
            feed.write(two_chunks_and_a_line(export, random.Random(2)))
            feed.flush()
            while len(workers := children(os.getpid()) - before) < 2:
                time.sleep(0.01)
            seen.update(workers)
            act(workers, feed)

    thread = threading.Thread(target=feeder)
    thread.start()
    try:
        r = run("inclusion", "verify-all", str(fifo), "--root", str(export / "t" / "root.json"), "--workers", "2")  # fmt: skip
    finally:
        thread.join()
    return r, seen


def test_ctrl_c_kills_the_workers_of_a_command_run_in_process(export: Path, tmp_path: Path) -> None:
    r, workers = in_process(export, tmp_path, lambda w, feed: os.kill(os.getpid(), signal.SIGINT))
    assert r.exit_code == 130  # typer's exit for an interrupt: never 0, 1 or 2
    assert len(workers) == 2 and not any(alive(w) for w in workers)
    assert multiprocessing.active_children() == []


def test_a_killed_worker_in_process_ends_the_run_and_its_other_worker(
    export: Path, tmp_path: Path
) -> None:
    def kill_one(workers: set[int], feed: Any) -> None:
        os.kill(min(workers), signal.SIGKILL)
        until_the_pool_ends(workers)
        feed.write("".join(line + "\n" for line in lines_of(export)))

    r, workers = in_process(export, tmp_path, kill_one)
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith("por: error: --workers: a worker process ended abruptly")
    assert len(workers) == 2 and not any(alive(w) for w in workers)
    assert multiprocessing.active_children() == []


@contextmanager
def running_on_a_pipe(export: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Any]]:
    """`por inclusion verify-all` (its own process group, as a terminal starts it) reading
    a named pipe, fed two chunks and a line so that both workers run while it waits for
    more."""
    fifo = tmp_path / "proofs.fifo"
    os.mkfifo(fifo)
    command = [str(POR), "inclusion", "verify-all", str(fifo), "--root", str(export / "t" / "root.json"), "--workers", "2"]  # fmt: skip
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        with open_writer(fifo, proc) as feed:
            feed.write(two_chunks_and_a_line(export, random.Random(1)))
            feed.flush()
            yield proc, feed
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


@contextmanager
def open_writer(fifo: Path, proc: subprocess.Popen[str]) -> Iterator[Any]:
    """The pipe's writing end, once the command has opened it for reading (or failed)."""
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:  # ENXIO: no reader yet
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.01)
    os.set_blocking(fd, True)
    feed = os.fdopen(fd, "w")
    try:
        yield feed
    finally:
        with suppress(BrokenPipeError):  # the command has stopped reading: some tests want that
            feed.close()


def until_the_pool_ends(workers: set[int]) -> None:
    """Polled until the pool has seen its killed worker (it then ends the other one):
    checking takes milliseconds now, so a worker is often killed idle, and a pool whose
    living worker checks every chunk that is left may finish before it looks."""
    while any(alive(w) for w in workers):
        time.sleep(0.01)


def wait_for_workers(proc: subprocess.Popen[str], n: int) -> set[int]:
    """The command's worker processes, once `n` of them run (polled: no measure of speed)."""
    while len(workers := children(proc.pid)) < n:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.01)
    return workers


def test_ctrl_c_kills_every_worker(export: Path, tmp_path: Path) -> None:
    with running_on_a_pipe(export, tmp_path) as (proc, _):
        workers = wait_for_workers(proc, 2)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends the whole group
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 130  # typer's exit for an interrupt: never 0, 1 or 2
        assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
        assert not any(alive(w) for w in workers)


def test_a_killed_worker_ends_the_run_with_one_line_and_no_worker_left(
    export: Path, tmp_path: Path
) -> None:
    with running_on_a_pipe(export, tmp_path) as (proc, feed):
        workers = wait_for_workers(proc, 2)
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        until_the_pool_ends(workers)
        with suppress(BrokenPipeError):  # the command stops reading when it sees the loss
            feed.write("".join(line + "\n" for line in lines_of(export)))
            feed.close()
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 2, (stdout, stderr)
        assert stderr.strip().splitlines() == [
            "por: error: --workers: a worker process ended abruptly (killed, or out of memory): "
            "the proofs were not all checked"
        ]
        assert not any(alive(w) for w in workers)


def test_a_file_changed_while_it_is_checked_is_refused(export: Path, tmp_path: Path) -> None:
    """Workers read their spans of a regular file themselves: a span of another file
    (the name now another inode) or past its end stops the run."""
    path = write_lines(tmp_path / "p.jsonl", lines_of(export)[:3])
    status = path.stat()
    span = batch.Span(str(path), (status.st_dev, status.st_ino), 0, status.st_size)
    assert batch.verify_chunk(span, commitment(export), True).included == 3
    for changed in (
        replace(span, identity=(status.st_dev, status.st_ino + 1)),
        replace(span, size=status.st_size + 1),
    ):
        with pytest.raises(InputError, match="changed while it was being checked"):
            batch.verify_chunk(changed, commitment(export), True)


def test_chunks_end_at_line_ends_and_lines_keep_their_numbers(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks far smaller than a line, and lines of every length around the cuts: each
    proof is still read whole and failures are named by their line in the file."""
    monkeypatch.setattr(batch, "CHUNK_BYTES", 1000)
    lines = lines_of(export)[:40]
    lines[17] = lines[17].replace('"index":', '"index":-')
    lines[30:30] = ["", "   "]
    p = write_lines(tmp_path / "p.jsonl", lines)
    for workers in (1, 2):
        r = batch.verify_file(p, commitment(export), workers, subset=True)
        assert (r.proofs, r.included) == (40, 39)
        assert [(line, reason.split(":")[0]) for line, reason in r.failures] == [(18, "malformed")]
        assert r.failures[0][1].startswith("malformed: line 18: index")
    p.write_bytes(p.read_bytes().rstrip(b"\n"))  # a last line without its newline
    assert batch.verify_file(p, commitment(export), 1, subset=True).included == 39
