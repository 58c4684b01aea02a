"""Launch a real anvil node for the tests, on 127.0.0.1 and a free port.

The node is ended by its own PID (never by name), so a developer's other anvils
and a parallel test run are left alone.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANVIL = ROOT / "node_modules" / ".bin" / "anvil"
CHAIN_ID = 31337


@dataclass(frozen=True)
class Anvil:
    url: str
    chain_id: int
    proc: "subprocess.Popen[bytes]" = field(repr=False, compare=False)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        stop(self.proc)

    def rpc(self, method: str, *params: object) -> object:
        """A bare JSON-RPC call for test set-up (the code under test has its own client)."""
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        request = urllib.request.Request(
            self.url, body.encode(), {"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            doc = json.loads(answer.read())
        if doc.get("error"):
            raise RuntimeError(f"{method}: {doc['error']}")
        return doc["result"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def run_anvil(*extra: str, chain_id: int = CHAIN_ID) -> Iterator[Anvil]:
    if not ANVIL.exists():
        raise RuntimeError(f"{ANVIL} is missing: run ./tasks test once to install node_modules")
    port = free_port()
    args = [str(ANVIL), "--host", "127.0.0.1", "--port", str(port), "--silent"]
    args += ["--chain-id", str(chain_id), *extra]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    node = Anvil(f"http://127.0.0.1:{port}", chain_id, proc)
    try:
        _wait_ready(node, proc)
        yield node
    finally:
        stop(proc)


def stop(proc: "subprocess.Popen[bytes]") -> None:
    """End this anvil by its PID: SIGTERM, then SIGKILL if it lingers."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc.stderr and not proc.stderr.closed:
        proc.stderr.close()


def _wait_ready(node: Anvil, proc: "subprocess.Popen[bytes]") -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"anvil exited with {proc.returncode}: {err}")
        try:
            node.rpc("eth_chainId")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"anvil at {node.url} did not answer within 30 s")


@pytest.fixture(scope="session")
def anvil() -> Iterator[Anvil]:
    """One node for the session; tests take their own snapshots on it."""
    with run_anvil() as node:
        yield node
