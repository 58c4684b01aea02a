"""A tiny Esplora-compatible REST server for the tests, on 127.0.0.1 and a free port.

No Esplora/electrs build is available offline, so this serves the handful of
endpoints the client reads, computed from the real bcoin node's raw blocks (a
fresh index whenever the node's chain changes). It is a stand-in for the
server's API, not for the chain: every number it serves comes from bcoin.
"""

import contextlib
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bitcoin.core import CBlock, b2lx

from tests.support.bcoin import Bcoin


class Index:
    """Every confirmed transaction as Esplora's JSON, by scripthash, in chain order."""

    def __init__(self, node: Bcoin, page_size: int) -> None:
        self.node = node
        self.page_size = page_size
        self.hashes: list[str] = []
        self.by_script: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def refresh(self) -> None:
        with self._lock:
            tip = int(self.node.rpc("getblockcount"))
            if self.hashes and (
                len(self.hashes) > tip + 1
                or self.node.rpc("getblockhash", len(self.hashes) - 1) != self.hashes[-1]
            ):
                self.hashes, self.by_script = [], {}
            outputs: dict[tuple[str, int], dict[str, Any]] = {}
            for txs in self.by_script.values():
                for tx in txs:
                    for n, out in enumerate(tx["vout"]):
                        outputs[(tx["txid"], n)] = out
            for height in range(len(self.hashes), tip + 1):
                block_hash = str(self.node.rpc("getblockhash", height))
                raw = self.node.rpc("getblock", block_hash, False)
                self._add(CBlock.deserialize(bytes.fromhex(raw)), height, block_hash, outputs)
                self.hashes.append(block_hash)

    def _add(
        self, block: CBlock, height: int, block_hash: str, outputs: dict[tuple[str, int], Any]
    ) -> None:
        status = {"confirmed": True, "block_height": height, "block_hash": block_hash}
        for tx in block.vtx:
            txid = b2lx(tx.GetTxid())
            vout = [
                {"scriptpubkey": bytes(o.scriptPubKey).hex(), "value": o.nValue} for o in tx.vout
            ]
            vin = []
            for i in tx.vin:
                if tx.is_coinbase():
                    vin.append({"is_coinbase": True, "prevout": None})
                    continue
                key = (b2lx(i.prevout.hash), i.prevout.n)
                # The index starts at genesis, so every spent coin is in it.
                vin.append(
                    {"txid": key[0], "vout": key[1], "is_coinbase": False, "prevout": outputs[key]}
                )
            doc = {"txid": txid, "vin": vin, "vout": vout, "status": status}
            for n, out in enumerate(vout):
                outputs[(txid, n)] = out
            touched = {o["scriptpubkey"] for o in vout}
            touched |= {i["prevout"]["scriptpubkey"] for i in vin if i["prevout"]}
            for script in touched:
                sh = hashlib.sha256(bytes.fromhex(script)).digest()[::-1].hex()
                self.by_script.setdefault(sh, []).append(doc)

    def page(self, scripthash: str, after: str | None) -> list[dict[str, Any]]:
        newest_first = list(reversed(self.by_script.get(scripthash, [])))
        start = 0
        if after is not None:
            start = next(i for i, tx in enumerate(newest_first) if tx["txid"] == after) + 1
        return newest_first[start : start + self.page_size]


_ROUTES = [
    (re.compile(r"^/blocks/tip/height$"), "tip"),
    (re.compile(r"^/block-height/(\d+)$"), "height"),
    (re.compile(r"^/scripthash/([0-9a-f]{64})/txs/chain(?:/([0-9a-f]{64}))?$"), "txs"),
]


def _handler(index: Index) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            index.refresh()
            for pattern, name in _ROUTES:
                m = pattern.match(self.path)
                if m:
                    return self._answer(name, m.groups())
            self._send(404, "text/plain", b"Not found")

        def _answer(self, name: str, groups: tuple[str | None, ...]) -> None:
            if name == "tip":
                return self._send(200, "text/plain", str(len(index.hashes) - 1).encode())
            if name == "height":
                height = int(str(groups[0]))
                if height >= len(index.hashes):
                    return self._send(404, "text/plain", b"Block not found")
                return self._send(200, "text/plain", index.hashes[height].encode())
            body = json.dumps(index.page(str(groups[0]), groups[1])).encode()
            return self._send(200, "application/json", body)

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextlib.contextmanager
def run_esplora(node: Bcoin, page_size: int = 25) -> Iterator[str]:
    """The server's base URL while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Index(node, page_size)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
