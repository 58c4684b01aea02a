"""Launch a real bcoin full node on regtest for the tests, on 127.0.0.1 and a free port.

bcoin (npm, 1.0.2) speaks Bitcoin Core's JSON-RPC; `bcoin_regtest.js` gives it
Core's regtest address prefixes before it starts. Installed without its native
add-ons (npm install scripts are not run), it uses its pure-JS crypto, and with
`memory: true` it needs no leveldown either. The node is ended by its own PID.
"""

import contextlib
import functools
import secrets
import select
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chains.jsonrpc import JsonRpcClient
from tests.support.anvil import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = Path(__file__).with_name("bcoin_regtest.js")
# bcoin's regtest activates segwit by BIP9 signalling (three 144-block windows),
# unlike Core's regtest where it is active from genesis.
SEGWIT_ACTIVE_HEIGHT = 432


@dataclass
class Bcoin:
    host: str
    port: int
    api_key: str  # a random per-run key: the node is on loopback only
    proc: "subprocess.Popen[bytes]"

    @property
    def url(self) -> str:
        """The RPC URL with credentials, as a user would pass it to --rpc."""
        return f"http://x:{self.api_key}@{self.host}:{self.port}/"

    @property
    def pid(self) -> int:
        return self.proc.pid

    @functools.cached_property
    def _client(self) -> JsonRpcClient:
        return JsonRpcClient(self.url, timeout=60)

    def rpc(self, method: str, *params: Any) -> Any:
        """One call for test set-up, not recorded as evidence."""
        return self._client.call(method, params)

    def mine(self, blocks: int, address: str) -> list[str]:
        """Mine `blocks` blocks paying their coinbase to `address`; their hashes."""
        return list(self.rpc("generatetoaddress", blocks, address))

    def height(self) -> int:
        return int(self.rpc("getblockcount"))

    def stop(self) -> None:
        stop(self.proc)
        if "_client" in self.__dict__:
            self._client.close()


@contextlib.contextmanager
def run_bcoin() -> Iterator[Bcoin]:
    if not (ROOT / "node_modules" / "bcoin").is_dir():
        raise RuntimeError("node_modules/bcoin is missing: run ./tasks test once to install it")
    port = free_port()
    key = secrets.token_hex(16)
    proc = subprocess.Popen(
        ["node", str(LAUNCHER), str(port), key],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    node = Bcoin("127.0.0.1", port, key, proc)
    try:
        _wait_ready(proc)
        yield node
    finally:
        node.stop()
        if proc.stdout:
            proc.stdout.close()


def _wait_ready(proc: "subprocess.Popen[bytes]") -> None:
    """The launcher prints "ready" once its RPC server listens, or exits with the error."""
    assert proc.stdout is not None
    readable, _, _ = select.select([proc.stdout], [], [], 60)
    line = proc.stdout.readline().decode() if readable else ""
    if line.startswith("ready"):
        return
    if not readable:
        stop(proc)
        raise RuntimeError("bcoin printed nothing within 60 s")
    proc.wait(timeout=30)  # stdout closed: the launcher is exiting with its error
    err = proc.stderr.read().decode() if proc.stderr else ""
    raise RuntimeError(f"bcoin exited with {proc.returncode}: {err}")


@pytest.fixture(scope="session")
def bcoin() -> Iterator[Bcoin]:
    """One node for the session; tests mine on it and pin their own snapshots."""
    with run_bcoin() as node:
        yield node
