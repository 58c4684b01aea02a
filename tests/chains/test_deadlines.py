"""Every node request has an overall deadline: a server that answers one byte every half
second, or accepts and never answers, ends in `timeout`, through every client and every
command that talks to a node.

The servers are real ones on 127.0.0.1 (a free port), run in threads that the tests start
and stop. The tests assert the reason and that the request ended, cut off before the
server finished; the only clock is a generous guard against a hang, never a measure.
"""

import contextlib
import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as StillRunning
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from chains.bitcoin.esplora import EsploraClient
from chains.ethereum import is_valid_signature
from chains.jsonrpc import Call, JsonRpcClient, RetryPolicy, RpcTimeout, with_retries
from chains.snapshot import ChainError, Reason, Snapshot
from tests.conftest import ROOT
from tests.support.cli import Run
from verifier.io.attestation import load_attestation
from verifier.models.ownership import OwnershipClaim

DEADLINE = 2.0  # seconds given to a request in these tests
HANG_GUARD = 120.0  # a request still running after this has hung: the test fails
DRIP_EVERY = 0.5  # seconds between two bytes of a dripping answer

BODY = json.dumps({"jsonrpc": "2.0", "id": 1, "result": "0x" + "0" * 200}).encode()
# Long enough that dripping it whole would take minutes.
ANSWER = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
    + f"content-length: {len(BODY)}\r\n\r\n".encode()
    + BODY
)
SNAPSHOT = Snapshot(1, "0x" + "11" * 32)
DEMO = ROOT / "fixtures" / "demo"


@dataclass
class Served:
    url: str
    connections: int = 0
    sent: list[int] = field(default_factory=list)  # bytes sent on each connection


Handler = Callable[[socket.socket, threading.Event, Served, int], None]


@contextlib.contextmanager
def serve(handle: Handler) -> Iterator[Served]:
    """A TCP server on 127.0.0.1 whose every connection is given to `handle`."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    served = Served(f"http://127.0.0.1:{listener.getsockname()[1]}/")
    stop = threading.Event()
    workers: list[threading.Thread] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            served.sent.append(0)
            served.connections += 1
            worker = threading.Thread(
                target=_run, args=(handle, conn, stop, served, served.connections - 1)
            )
            worker.start()
            workers.append(worker)

    acceptor = threading.Thread(target=accept)
    acceptor.start()
    try:
        yield served
    finally:
        stop.set()
        acceptor.join()
        listener.close()
        for worker in workers:
            worker.join()


def _run(
    handle: Handler, conn: socket.socket, stop: threading.Event, served: Served, i: int
) -> None:
    with conn, contextlib.suppress(OSError):  # the client hung up: this connection is done
        handle(conn, stop, served, i)


def _read_request(conn: socket.socket) -> None:
    conn.settimeout(5)
    conn.recv(1 << 16)


def dripping(headers_first: bool) -> Handler:
    """Answers one byte every half second: from the status line on, or (headers_first)
    with the headers at once and then the body byte by byte."""

    def handle(conn: socket.socket, stop: threading.Event, served: Served, i: int) -> None:
        _read_request(conn)
        start = ANSWER.index(b"\r\n\r\n") + 4 if headers_first else 0
        conn.sendall(ANSWER[:start])
        served.sent[i] = start
        for at in range(start, len(ANSWER)):
            if stop.wait(DRIP_EVERY):
                return
            conn.sendall(ANSWER[at : at + 1])
            served.sent[i] = at + 1

    return handle


def silent(conn: socket.socket, stop: threading.Event, served: Served, i: int) -> None:
    """Accepts and never answers."""
    stop.wait()


FAULTS = {
    "drips-status-line": dripping(headers_first=False),
    "drips-body": dripping(headers_first=True),
    "silent": silent,
}


def ends(call: Callable[[], Any]) -> Any:
    """What `call` returns, or the exception it raises; a hang fails the test."""
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(call)
    try:
        future.exception(timeout=HANG_GUARD)
    except StillRunning:
        pytest.fail(f"still running after {HANG_GUARD:g} s: no deadline")
    finally:
        pool.shutdown(wait=False)
    error = future.exception()
    return error if error is not None else future.result()


def timed_out(outcome: Any) -> bool:
    return isinstance(outcome, ChainError) and outcome.reason is Reason.TIMEOUT


def cut_off(served: Served) -> bool:
    """One connection (retries shared the request's deadline, none began after it)
    that ended before the server sent the whole answer."""
    return served.connections == 1 and served.sent[0] < len(ANSWER)


CALLS: list[Call] = [("eth_chainId", []), ("eth_blockNumber", [])]


@pytest.mark.parametrize(
    ("fault", "batch"),
    [(fault, False) for fault in FAULTS] + [("drips-status-line", True)],
    ids=[*FAULTS, "batch"],
)
def test_json_rpc_ends_in_timeout(fault: str, batch: bool) -> None:
    with serve(FAULTS[fault]) as served, JsonRpcClient(served.url, timeout=DEADLINE) as c:
        outcome = ends(lambda: c.batch(CALLS) if batch else c.call(*CALLS[0]))
    assert timed_out(outcome), outcome
    assert cut_off(served), served
    assert f"the {DEADLINE:g} s deadline passed" in str(outcome)


def test_a_request_the_node_does_not_take_ends_in_timeout() -> None:
    """Writing a request is held to the deadline too: 16 MB to a server that reads none."""
    big = "ab" * (8 << 20)
    with (
        serve(silent) as served,
        JsonRpcClient(served.url, timeout=DEADLINE, max_request_bytes=1 << 30) as c,
    ):
        outcome = ends(lambda: c.call("eth_call", [big]))
    assert timed_out(outcome), outcome
    assert "WriteTimeout" in str(outcome) and served.connections == 1


@pytest.mark.parametrize("fault", FAULTS)
def test_esplora_ends_in_timeout(fault: str) -> None:
    with serve(FAULTS[fault]) as served, EsploraClient(served.url, timeout=DEADLINE) as c:
        outcome = ends(lambda: c.text("/blocks/tip/height"))
    assert timed_out(outcome), outcome
    assert cut_off(served), served


def test_an_erc1271_question_ends_in_timeout() -> None:
    contract = "0x" + "22" * 20
    with serve(FAULTS["drips-body"]) as served, JsonRpcClient(served.url, timeout=DEADLINE) as c:
        outcome = ends(lambda: is_valid_signature(c, SNAPSHOT, contract, bytes(32), b"\x01" * 65))
    assert timed_out(outcome), outcome
    assert cut_off(served), served


def test_retries_share_one_deadline() -> None:
    """Attempts and the waits between them share the request's deadline: a backoff that
    would end past it is not begun, and the last fault is the answer."""
    attempts: list[int] = []
    waits: list[float] = []

    def times_out() -> None:
        attempts.append(1)
        raise RpcTimeout("slow")

    with pytest.raises(RpcTimeout):
        with_retries(RetryPolicy(attempts=4, backoff=10.0), waits.append, 15.0, times_out)
    # The first wait (10 s) fits in the 15 s; the second (20 s) would not.
    assert (len(attempts), waits) == (2, [10.0])


# Through the commands: the dripping server stands for every node the run may ask.


def addresses_file(tmp_path: Path) -> Path:
    path = tmp_path / "addresses.txt"
    path.write_text("0x" + "33" * 20 + "\n")
    return path


def chain_balances(url: str, addresses: Path, *extra: str) -> list[str]:
    return [
        "chain", "balances", "--chain", "ethereum", "--rpc", url, "--snapshot", str(SNAPSHOT),
        "--addresses", str(addresses), "--chain-id", "1", *extra,
    ]  # fmt: skip


def test_chain_balances_ends_in_timeout(por: Callable[..., Run], tmp_path: Path) -> None:
    with serve(FAULTS["drips-status-line"]) as served:
        args = chain_balances(served.url, addresses_file(tmp_path), "--rpc-timeout", "1")
        code, out, err = ends(lambda: por(*args))
    assert code == 2, (out, err)
    assert len(err.splitlines()) == 1 and err.startswith("por: inconclusive: timeout: "), err
    assert "the 1 s deadline passed" in err
    assert cut_off(served), served


def test_verify_ends_in_timeout(por: Callable[..., Run], tmp_path: Path) -> None:
    """Every Ethereum read and the contract wallet's ERC-1271 question time out: each is
    inconclusive, and so is the run."""
    report = tmp_path / "report.json"
    with serve(FAULTS["drips-body"]) as served:
        args = ["verify", str(DEMO / "attestation.json"), "--eth-rpc", served.url]
        code, out, err = ends(lambda: por(*args, "--rpc-timeout", "1", "--json", str(report)))
    assert code == 2, (out, err)
    checks = {c["id"]: c for c in json.loads(report.read_text())["checks"]}
    for asset in ("ETH", "USDC"):
        check = checks[f"balances.ethereum:31337.{asset}"]
        assert check["status"] == "inconclusive" and check["reason"].startswith("timeout: ")
    asked = [c for c in checks.values() if "could not ask the contract: timeout" in c["reason"]]
    assert len(asked) == 1 and asked[0]["status"] == "inconclusive"
    assert served.connections == 3 and all(n < len(ANSWER) for n in served.sent)


def demo_proofs(tmp_path: Path) -> tuple[Path, str]:
    """The demo's Ethereum ownership proofs (one is a contract wallet's, which only the
    contract can answer) and the snapshot to ask at."""
    att = load_attestation(DEMO / "attestation.json")
    claims = [
        OwnershipClaim.of("ethereum", w.address, w.ownership_proof)
        for w in att.wallets
        if w.chain.startswith("ethereum:") and w.address is not None
    ]
    proofs = tmp_path / "proofs.json"
    proofs.write_text("[" + ",".join(c.model_dump_json(exclude_none=True) for c in claims) + "]")
    point = next(p for p in att.snapshot.chains if p.chain.startswith("ethereum:"))
    return proofs, f"{point.height}:0x{point.block_hash}"


def test_ownership_verify_ends_in_timeout(por: Callable[..., Run], tmp_path: Path) -> None:
    proofs, snapshot = demo_proofs(tmp_path)
    with serve(FAULTS["silent"]) as served:
        args = ["ownership", "verify", str(proofs), "--eth-rpc", served.url]
        code, out, err = ends(lambda: por(*args, "--snapshot", snapshot, "--rpc-timeout", "1"))
    assert code == 2, (out, err)
    undecided = [line for line in out.splitlines() if line.startswith("inconclusive")]
    assert len(undecided) == 1 and "could not ask the contract: timeout" in undecided[0]
    assert served.connections == 1


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "3601"])
def test_a_deadline_that_is_not_one_is_refused(
    por: Callable[..., Run], tmp_path: Path, value: str
) -> None:
    args = chain_balances("http://127.0.0.1:9/", addresses_file(tmp_path), "--rpc-timeout", value)
    code, _, err = por(*args)
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith("por: error: --rpc-timeout: must be above 0 and at most 3600 s"), err


def test_a_deadline_is_refused_where_no_node_is_asked(
    por: Callable[..., Run], tmp_path: Path
) -> None:
    """An option that cannot apply is refused, never ignored."""
    proofs, _ = demo_proofs(tmp_path)
    attestation = str(DEMO / "attestation.json")
    for args in (
        ["verify", attestation, "--offline", str(DEMO / "evidence.json")],
        ["verify", attestation],
        ["ownership", "verify", str(proofs)],
    ):
        code, _, err = por(*args, "--rpc-timeout", "5")
        assert code == 2 and len(err.splitlines()) == 1, err
        assert err.startswith("por: error: --rpc-timeout: no node is asked"), err


@pytest.mark.parametrize(
    "command",
    [["verify"], ["self-check"], ["chain", "balances"], ["ownership", "verify"]],
    ids=" ".join,
)
def test_every_command_that_asks_a_node_shows_the_deadline(
    por: Callable[..., Run], command: list[str]
) -> None:
    code, out, _ = por(*command, "--help")
    assert code == 0
    words = " ".join(re.sub("[│╭╮╰╯─]", " ", out).split())  # without rich's box
    assert "--rpc-timeout" in words and "(default 30, at most 3600)" in words
