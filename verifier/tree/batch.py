"""Verify many por-mst-v1 proofs against one published commitment, on every core.

For an exchange checking its export before delivering it, and for an auditor checking
the proofs customers received: one JSON-lines file, each proof answered by the
compiled fast path when it is certainly included and by the single-proof verifier
otherwise, the work split across processes because each proof is independent.
"""

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from verifier.errors import InputError
from verifier.models.proof import parse_proof
from verifier.tree._fastverify import included as certainly_included
from verifier.tree.verify import verify_proof

CHUNK_LINES = 2000


@dataclass
class BatchResult:
    proofs: int = 0
    included: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def verify_chunk(first_line: int, lines: list[bytes], published: str) -> BatchResult:
    """One worker's share; a malformed line is a failed proof, named by its line.

    The compiled fast path only ever answers "certainly included"; every other proof
    goes through the Python verifier, which decides it and says why."""
    result = BatchResult()
    want = published.encode()
    for number, raw in enumerate(lines, start=first_line):
        if not raw.strip():
            continue
        result.proofs += 1
        if certainly_included(raw, want):
            result.included += 1
            continue
        try:
            verdict = verify_proof(parse_proof(raw, f"line {number}"), published)
        except InputError as e:
            result.failures.append((number, f"malformed: {e}"))
            continue
        if verdict.included:
            result.included += 1
        else:
            result.failures.append((number, f"{verdict.account}: {verdict.failure}"))
    return result


def verify_file(path: Path, published: str, workers: int | None = None) -> BatchResult:
    n = workers or os.cpu_count() or 1
    total = BatchResult()
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as e:
        raise InputError(str(path), None, e.strerror or "cannot read") from None
    with handle:
        chunks = _chunks(handle)
        parts = (
            (verify_chunk(first, lines, published) for first, lines in chunks)
            if n == 1  # no pool: sending the lines to one worker would only cost a copy
            else _in_pool(chunks, published, n)
        )
        for part in parts:
            _add(total, part)
    total.failures.sort()
    return total


def _in_pool(
    chunks: Iterator[tuple[int, list[bytes]]], published: str, n: int
) -> Iterator[BatchResult]:
    """Chunks go out to the workers a few at a time (not all at once, as
    ProcessPoolExecutor.map would submit them), so memory stays bounded by the window."""
    with ProcessPoolExecutor(max_workers=n) as pool:
        pending: deque[Future[BatchResult]] = deque()
        for first, lines in chunks:
            pending.append(pool.submit(verify_chunk, first, lines, published))
            if len(pending) >= 2 * n:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _add(total: BatchResult, part: BatchResult) -> None:
    total.proofs += part.proofs
    total.included += part.included
    total.failures.extend(part.failures)


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
