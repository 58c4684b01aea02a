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

Lines of the zk proof-of-solvency family (binance-zk, gate-zk, htx-zk: one customer
file's JSON object per line, as an exchange or an auditor gathers them) are verified
too, each by its format's own rule with the same reasons as `por inclusion verify`:
the fast path knows only por-mst-v1, so every such line is the Python path's, and the
file-wide checks read the vendor's account id hash and account index. Their root is
compared with the published one (--commitment), or held to the first line's.

Worker processes never outlive the run: they ignore Ctrl-C (the parent decides),
die with their parent whatever kills it (Linux), and are killed when anything goes
wrong in the parent, a worker included.
"""

import ctypes
import hashlib
import multiprocessing
import os
import signal
import stat
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
from types import ModuleType
from typing import BinaryIO, Literal

import numpy as np

from verifier.errors import InputError, OptionError
from verifier.io.files import open_binary
from verifier.io.jsontext import parse_json
from verifier.models.proof import parse_proof
from verifier.tree._fastverify import certify
from verifier.tree.formats import binance_zk, gate_zk, htx_zk
from verifier.tree.formats.source import Doc, Request, lacking
from verifier.tree.verify import verify_proof

# A chunk is whole lines of about this many bytes (some 800 proofs at height 32): one
# call of the fast path, few enough calls that Python's cost per call does not count.
CHUNK_BYTES = 1 << 22
WORKERS_PER_CORE = 4  # more processes than this only add memory and switching
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_BLANK, _CERTIFIED = 0, 1  # the fast path's kinds of line; any other kind: ask Python


@dataclass
class ChunkResult:
    """One worker's share, or the sum of them. A chunk numbers its lines from 1 (only
    the parent knows how many lines came before it: `add` shifts them), and keeps a
    malformed line's problem apart from its label, which holds the number. Every proof
    whose shape was read is listed by line, with a 128-bit digest of its account id
    (two words: the first half of SHA256(account_id), which the leaf hash computes
    anyway) and its leaf index, for the checks of the file as a whole."""

    line_count: int = 0  # lines read, blank ones too
    proofs: int = 0
    included: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    # (line number, field, problem): the message is made once the number is known
    malformed: list[tuple[int, str | None, str]] = field(default_factory=list)
    lines: "array[int]" = field(default_factory=lambda: array("Q"))
    accounts: "array[int]" = field(default_factory=lambda: array("Q"))
    indices: "array[int]" = field(default_factory=lambda: array("Q"))

    def seen(self, line: int, account_id: bytes, index: int) -> None:
        self.lines.append(line)
        self.accounts.frombytes(hashlib.sha256(account_id).digest()[:16])
        self.indices.append(index)

    def add(self, part: "ChunkResult") -> None:
        """`part` is the chunk after the lines added so far."""
        before = self.line_count
        self.line_count += part.line_count
        self.proofs += part.proofs
        self.included += part.included
        self.failures.extend((before + line, reason) for line, reason in part.failures)
        for line, where, problem in part.malformed:
            number = before + line
            error = InputError(f"line {number}", where, problem)
            self.failures.append((number, f"malformed: {error}"))
        self.lines.frombytes((np.frombuffer(part.lines, dtype=np.uint64) + before).tobytes())
        self.accounts.extend(part.accounts)
        self.indices.extend(part.indices)


@dataclass(frozen=True)
class Span:
    """A chunk of a regular file, named rather than read by the parent: a worker reads it
    itself, because sending the bytes through a pipe (pickled, written, read, unpickled)
    costs the parent about as much as checking them costs a worker. A file replaced or
    cut short meanwhile is refused."""

    path: str
    identity: tuple[int, int]  # st_dev, st_ino
    start: int
    size: int

    def read(self) -> bytes:
        with open_binary(Path(self.path)) as f:
            status = os.fstat(f.fileno())
            data = os.pread(f.fileno(), self.size, self.start)
        if (status.st_dev, status.st_ino) != self.identity or len(data) != self.size:
            raise InputError(self.path, None, "changed while it was being checked")
        return data


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


def verify_chunk(chunk: bytes | Span, want: str, compared: bool) -> ChunkResult:
    """One worker's share (whole lines); a malformed line is a failed proof, named by its
    line.

    The compiled fast path reads every line in one call and only ever answers
    "certainly included" (under `want`), with the account and leaf it read; Python
    touches only the other lines: the Python verifier decides each and says why.
    """
    data = chunk.read() if isinstance(chunk, Span) else chunk
    kinds, ends, indices, accounts = certify(data, want.encode())
    kind = np.frombuffer(kinds, dtype=np.uint8)
    certified = np.flatnonzero(kind == _CERTIFIED)
    result = ChunkResult(
        line_count=len(kind),
        proofs=int(np.count_nonzero(kind != _BLANK)),
        included=len(certified),
    )
    result.lines.frombytes((certified + 1).astype(np.uint64).tobytes())
    result.accounts.frombytes(
        np.frombuffer(accounts, dtype=np.uint8).reshape(-1, 16)[certified].tobytes()
    )
    result.indices.frombytes(np.frombuffer(indices, dtype=np.uint64)[certified].tobytes())
    stops = np.frombuffer(ends, dtype=np.uint64)
    for at in np.flatnonzero((kind != _BLANK) & (kind != _CERTIFIED)).tolist():
        raw = data[int(stops[at - 1]) if at else 0 : int(stops[at])]
        _python_verdict(result, at + 1, raw, want, compared)
    return result


def _python_verdict(
    result: ChunkResult, number: int, raw: bytes, want: str, compared: bool
) -> None:
    """The Python verifier's verdict on one line, with its reason, added to `result`."""
    try:
        zk_line = _zk_line(raw, number)
        if zk_line is not None:
            _zk_verdict(result, number, *zk_line, want, compared)
            return
        proof = parse_proof(raw, f"line {number}")
    except InputError as e:
        result.malformed.append((number, e.field, e.problem))
        return
    result.seen(number, proof["account_id"].encode("utf-8", "surrogatepass"), proof["index"])
    verdict = verify_proof(proof, want if compared else None)
    root = ("root_commitment", proof["root_commitment"])
    _record(result, number, verdict.account, verdict.failure, root, want, compared)


def _record(
    result: ChunkResult,
    number: int,
    account: str,
    failure: str | None,
    root: tuple[str, str],
    want: str,
    compared: bool,
) -> None:
    """A line's verdict added to `result`; without a published value, a root (its
    field's name, its value) other than the first proof's fails."""
    name, value = root
    if failure is None and not compared and value != want:
        failure = (
            f"{name} {value} is not {want}, the first proof's: the proofs of one export "
            "belong to one tree"
        )
    if failure is None:
        result.included += 1
    else:
        result.failures.append((number, f"{account}: {failure}"))


ZkFormat = ModuleType
ZK_FORMATS: tuple[ZkFormat, ...] = (binance_zk, gate_zk, htx_zk)
# A line holding none of these keys is no zk customer file: it is not parsed twice.
_ZK_MARKERS = tuple(f'"{fmt.FIELDS.account}"'.encode() for fmt in ZK_FORMATS)


def _zk_line(raw: bytes, number: int) -> tuple[ZkFormat, Doc] | None:
    """The zk family's format of a line and the line as its Doc (named "line N" in
    errors), or None when the line is of no zk format (the spec's proof is tried)."""
    if not any(marker in raw for marker in _ZK_MARKERS):
        return None
    label = f"line {number}"
    value = parse_json(raw, label)
    doc = Doc(Path(label), "json", value, "")
    found = [f for f in ZK_FORMATS if f.detect(doc) and not lacking(doc, f.REQUIRED)]
    return (found[0], doc) if len(found) == 1 else None


def _zk_verdict(
    result: ChunkResult, number: int, fmt: ZkFormat, doc: Doc, want: str, compared: bool
) -> None:
    """A zk customer file's verdict under its format's rule, as `por inclusion verify`
    gives it; InputError when the line is malformed."""
    verdict = fmt.verify(doc, Request(published=want if compared else None))
    fields = fmt.FIELDS
    result.seen(number, doc.value[fields.account].lower().encode(), int(doc.value[fields.index]))
    failure = verdict.failure
    if failure is None and verdict.negatives:
        failure = f"negative balance: {verdict.negatives[0]}"
    _record(result, number, verdict.account, failure, ("root", verdict.root), want, compared)


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
        status = os.fstat(handle.fileno())
        chunks: Iterator[bytes | Span] = (
            _spans(handle.fileno(), str(path), status)
            if stat.S_ISREG(status.st_mode)
            else _chunks(handle)
        )
        if n == 1:  # no pool: one process reads and checks
            for chunk in chunks:
                total.add(verify_chunk(chunk, want, compared))
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
    """The root_commitment of the file's first proof of the spec's shape, or the root
    of its first zk customer file."""
    with open_binary(path) as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                try:
                    zk_line = _zk_line(raw, number)
                    if zk_line is not None:
                        fmt, doc = zk_line
                        return str(doc.value[fmt.FIELDS.root]).lower()
                    return parse_proof(raw, f"line {number}")["root_commitment"]
                except InputError:
                    continue
    return None


def _spans(fd: int, path: str, status: os.stat_result) -> Iterator[Span]:
    """A regular file cut into spans of about CHUNK_BYTES that end at a line's end: the
    parent reads only around each cut."""
    identity, size, start = (status.st_dev, status.st_ino), status.st_size, 0
    while start < size:
        stop = _line_end(fd, min(start + CHUNK_BYTES, size), size)
        yield Span(path, identity, start, stop - start)
        start = stop


def _line_end(fd: int, at: int, size: int) -> int:
    """Just past the newline that ends the line holding byte at - 1 (or `size`)."""
    here = at - 1
    while here < size:
        window = os.pread(fd, 1 << 16, here)
        if not window:
            break
        found = window.find(b"\n")
        if found >= 0:
            return here + found + 1
        here += len(window)
    return size


def _in_pool(
    chunks: Iterator[bytes | Span], want: str, compared: bool, n: int
) -> Iterator[ChunkResult]:
    """Chunks go out to the workers a few at a time (not all at once, as
    ProcessPoolExecutor.map would submit them), so memory stays bounded by the window."""
    with _workers(n) as pool:
        pending: deque[Future[ChunkResult]] = deque()
        for chunk in chunks:
            with _interrupt_held():  # a submit may start a worker
                pending.append(pool.submit(verify_chunk, chunk, want, compared))
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


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    """A stream that is no regular file (a pipe) as chunks of whole lines, each at most
    about CHUNK_BYTES.

    One read system call per chunk (os.read, not the buffered reader, whose read(n)
    waits for all n bytes of a pipe without ever handling a Ctrl-C that came between
    its calls); the part line it ends on starts the next chunk."""
    parts: list[bytes | memoryview] = []
    while block := os.read(handle.fileno(), CHUNK_BYTES):
        end = block.rfind(b"\n") + 1
        if end == 0:  # not one whole line yet: a long line, or a pipe's drip
            parts.append(block)
            continue
        parts.append(memoryview(block)[:end])
        yield b"".join(parts)
        parts = [block[end:]]
    if rest := b"".join(parts):
        yield rest
