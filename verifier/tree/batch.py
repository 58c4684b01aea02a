"""Verify many por-mst-v1 proofs against one published commitment, on every core.

For an exchange checking its export before delivering it, and for an auditor checking
the proofs customers received: one JSON-lines file, each proof answered by the
compiled fast path when it is certainly included and by the single-proof verifier
otherwise, the work split across processes because each proof is independent.

The file is also checked as a whole, because a set of proofs that each verify can
still mislead: an account or a leaf delivered twice, and proofs missing from what
should be the whole export (the count against the accounts root.json declares).
Without a published value, the proofs are held to the commitment of the first one
(one export, one tree) and the result is inconclusive, never a pass.

Worker processes never outlive the run: they ignore Ctrl-C (the parent decides),
die with their parent whatever kills it (Linux), and are killed when anything goes
wrong in the parent, a worker included.
"""

import ctypes
import hashlib
import multiprocessing
import os
import re
import signal
import sys
import threading
from array import array
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

import numpy as np

from verifier.errors import InputError, OptionError
from verifier.io.files import open_binary
from verifier.models.proof import parse_proof
from verifier.tree._fastverify import included as certainly_included
from verifier.tree.verify import verify_proof

CHUNK_LINES = 2000
WORKERS_PER_CORE = 4  # more processes than this only add memory and switching
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

# Read only from a line the fast path certified: a strict canonical subset of JSON in
# which every '"' delimits a string (no escapes), so the first match is the top-level key.
_ACCOUNT_ID = re.compile(rb'"account_id"\s*:\s*"([^"]*)"')
_INDEX = re.compile(rb'"index"\s*:\s*([0-9]+)')


@dataclass
class ChunkResult:
    """One worker's share, or the sum of them. Every proof whose shape was read is
    listed by line, with a 128-bit digest of its account id (two words) and its leaf
    index, for the checks of the file as a whole."""

    proofs: int = 0
    included: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    lines: "array[int]" = field(default_factory=lambda: array("Q"))
    accounts: "array[int]" = field(default_factory=lambda: array("Q"))
    indices: "array[int]" = field(default_factory=lambda: array("Q"))

    def seen(self, line: int, account_id: bytes, index: int) -> None:
        self.lines.append(line)
        self.accounts.frombytes(hashlib.blake2b(account_id, digest_size=16).digest())
        self.indices.append(index)

    def add(self, part: "ChunkResult") -> None:
        self.proofs += part.proofs
        self.included += part.included
        self.failures.extend(part.failures)
        self.lines.extend(part.lines)
        self.accounts.extend(part.accounts)
        self.indices.extend(part.indices)


@dataclass(frozen=True)
class Duplicate:
    """`line` holds the same account id (or leaf index) as the earlier line `first`."""

    line: int
    first: int
    what: Literal["account id", "leaf index"]


@dataclass
class BatchResult:
    """What the whole file came to.

    `published` is the value every proof was held to: the published commitment when
    `compared`, else the first proof's own. `expected` is the number of accounts the
    published root.json declares (None when the caller has none); `subset` says the
    caller asked for no completeness check (an export of some accounts only)."""

    published: str
    compared: bool
    expected: int | None
    subset: bool
    proofs: int
    included: int
    failures: list[tuple[int, str]]
    duplicates: list[Duplicate]

    @property
    def completeness_checked(self) -> bool:
        return not self.subset and self.expected is not None

    @property
    def count_mismatch(self) -> bool:
        return self.completeness_checked and self.proofs != self.expected

    @property
    def status(self) -> Literal["pass", "fail", "inconclusive"]:
        """A failure outranks everything; a pass needs the published value compared and
        the count checked (or the caller's explicit word that this is a subset)."""
        if self.failures or self.duplicates or self.count_mismatch:
            return "fail"
        if not self.compared or not (self.subset or self.completeness_checked):
            return "inconclusive"
        return "pass"


def verify_chunk(first_line: int, lines: list[bytes], want: str, compared: bool) -> ChunkResult:
    """One worker's share; a malformed line is a failed proof, named by its line.

    The compiled fast path only ever answers "certainly included" (under `want`);
    every other proof goes through the Python verifier, which decides it and says why.
    """
    result = ChunkResult()
    want_hex = want.encode()
    for number, raw in enumerate(lines, start=first_line):
        if not raw.strip():
            continue
        result.proofs += 1
        if certainly_included(raw, want_hex):
            result.included += 1
            account, index = _ACCOUNT_ID.search(raw), _INDEX.search(raw)
            assert account is not None and index is not None  # the fast path read both
            result.seen(number, account[1], int(index[1]))
            continue
        try:
            proof = parse_proof(raw, f"line {number}")
        except InputError as e:
            result.failures.append((number, f"malformed: {e}"))
            continue
        result.seen(number, proof["account_id"].encode("utf-8", "surrogatepass"), proof["index"])
        verdict = verify_proof(proof, want if compared else None)
        failure = verdict.failure
        if failure is None and not compared and proof["root_commitment"] != want:
            failure = (
                f"root_commitment {proof['root_commitment']} is not {want}, the first "
                "proof's: the proofs of one export belong to one tree"
            )
        if failure is None:
            result.included += 1
        else:
            result.failures.append((number, f"{verdict.account}: {failure}"))
    return result


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def worker_count(workers: int | None) -> int:
    """Every core by default; a count that cannot apply is refused, never adjusted."""
    limit = WORKERS_PER_CORE * cores()
    if workers is None:
        return cores()
    if not 1 <= workers <= limit:
        raise OptionError(
            "workers",
            f"{workers} is not between 1 and {limit} "
            f"({WORKERS_PER_CORE} processes for each of the {cores()} cores here)",
        )
    return workers


def verify_file(
    path: Path,
    published: str | None,
    workers: int | None = None,
    *,
    expected: int | None = None,
    subset: bool = False,
) -> BatchResult:
    """Every proof of the file, and the file as a whole. `published` None: no value to
    compare with, the proofs are held to the first one's commitment (inconclusive)."""
    n = worker_count(workers)
    compared = published is not None
    # "" when no line has a proof's shape: nothing is then certified, each line is malformed
    want = published if published is not None else _first_commitment(path) or ""
    total = ChunkResult()
    with open_binary(path) as handle:
        chunks = _chunks(handle)
        if n == 1:  # no pool: sending the lines to one worker would only cost a copy
            for first, lines in chunks:
                total.add(verify_chunk(first, lines, want, compared))
        else:
            for part in _in_pool(chunks, want, compared, n):
                total.add(part)
    if total.proofs == 0:
        raise InputError(str(path), None, "no proofs: the file has no line that is not blank")
    return BatchResult(
        published=want,
        compared=compared,
        expected=expected,
        subset=subset,
        proofs=total.proofs,
        included=total.included,
        failures=sorted(total.failures),
        duplicates=_duplicates(total),
    )


def _first_commitment(path: Path) -> str | None:
    """The root_commitment of the file's first proof of the spec's shape."""
    with open_binary(path) as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                try:
                    return parse_proof(raw, f"line {number}")["root_commitment"]
                except InputError:
                    continue
    return None


def _in_pool(
    chunks: Iterator[tuple[int, list[bytes]]], want: str, compared: bool, n: int
) -> Iterator[ChunkResult]:
    """Chunks go out to the workers a few at a time (not all at once, as
    ProcessPoolExecutor.map would submit them), so memory stays bounded by the window."""
    with _workers(n) as pool:
        pending: deque[Future[ChunkResult]] = deque()
        for first, lines in chunks:
            with _interrupt_held():  # a submit may start a worker
                pending.append(pool.submit(verify_chunk, first, lines, want, compared))
            if len(pending) >= 2 * n:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


@contextmanager
def _workers(n: int) -> Iterator[ProcessPoolExecutor]:
    """A pool whose processes are all gone when the block is left, however it is left:
    shut down in order after success; killed after an error, a Ctrl-C or a dead worker
    (shutdown alone would let the running chunks finish first)."""
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=n, initializer=_worker_setup, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException as e:
        # Workers first (a shutdown alone would let the running chunks finish), then the
        # pool's own thread, which sees them gone and ends: joined here, so that no thread
        # of the pool is left for the interpreter's exit to wake (Python 3.11 can then
        # fail writing to a pipe that thread closes, "Bad file descriptor"), and a worker
        # it may have been starting meanwhile is killed by the second sweep.
        _kill_new(before)
        pool.shutdown(wait=True, cancel_futures=True)
        _kill_new(before)
        if isinstance(e, BrokenProcessPool):
            raise OptionError(
                "workers",
                "a worker process ended abruptly (killed, or out of memory): "
                "the proofs were not all checked",
            ) from None
        raise
    pool.shutdown()


def _kill_new(before: set[multiprocessing.process.BaseProcess]) -> None:
    """Kill and reap every child process started since `before` was taken."""
    for process in set(multiprocessing.active_children()) - before:
        process.kill()
        process.join()


@contextmanager
def _interrupt_held() -> Iterator[None]:
    """Ctrl-C held back while the pool may be starting a worker, then raised: an
    interrupt between the fork and the pool's record of the new process would leave a
    worker that nothing kills, in a process that lives on (a test runner, a notebook;
    a `por` process that exits takes its workers with it). Only the main thread may
    set a handler; elsewhere no Ctrl-C arrives as KeyboardInterrupt anyway."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            signal.raise_signal(signal.SIGINT)


def _worker_setup(parent: int) -> None:
    """In each worker: Ctrl-C is the parent's to handle (it kills the workers), and the
    worker dies with its parent even when the parent is killed outright."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _duplicates(seen: ChunkResult) -> list[Duplicate]:
    """Every line whose account id or leaf index an earlier line has, with that line.
    Account ids are compared by 128-bit BLAKE2b digests, so that millions of them need
    not be held: two ids that differ never meet (the odds are 2^-128 per pair), and the
    worst a forged meeting could do is fail an export, never pass one."""
    lines = np.frombuffer(seen.lines, dtype=np.uint64)
    accounts = np.frombuffer(seen.accounts, dtype=np.uint64).reshape(-1, 2)
    indices = np.frombuffer(seen.indices, dtype=np.uint64)
    found = [Duplicate(*pair, "leaf index") for pair in _repeats(lines, indices)]
    found += [
        Duplicate(*pair, "account id") for pair in _repeats(lines, accounts[:, 1], accounts[:, 0])
    ]
    return sorted(found, key=lambda d: (d.line, d.what))


def _repeats(lines: np.ndarray, *keys: np.ndarray) -> Iterator[tuple[int, int]]:
    """(line, the first line with the same keys) for every line that repeats keys."""
    if not len(lines):
        return
    order = np.lexsort((lines, *keys))  # by the keys (the last first), then by line
    same = np.ones(len(order) - 1, dtype=bool)
    for key in keys:
        ordered = key[order]
        same &= ordered[1:] == ordered[:-1]
    starts = np.concatenate(([True], ~same))
    group_first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    for at in np.flatnonzero(~starts):
        yield int(lines[order[at]]), int(lines[order[group_first[at]]])


def _chunks(handle: BinaryIO) -> Iterator[tuple[int, list[bytes]]]:
    lines: list[bytes] = []
    first = 1
    for number, raw in enumerate(handle, start=1):
        lines.append(raw)
        if len(lines) == CHUNK_LINES:
            yield first, lines
            lines, first = [], number + 1
    if lines:
        yield first, lines
