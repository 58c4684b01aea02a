"""Balances at a pinned block from an Esplora REST server (the API of
Blockstream's electrs and of self-hosted mempool.space instances).

The balance comes from each script's confirmed history: received minus spent
over the transactions confirmed at or below the snapshot height. Unlike the
raw-block path, nothing here can be checked against the chain: the server is
trusted to list every transaction (completeness) with true amounts, and the
evidence says so.
"""

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from chains.bitcoin import answers
from chains.bitcoin.addresses import script_pubkeys
from chains.bitcoin.networks import Network
from chains.bitcoin.pinning import DEFAULT_CONFIRMATIONS, ChainView, judge
from chains.evidence import BLOCK_HASH_EXTENSION, Bundle, NotInEvidence, Recorder, transport_for
from chains.jsonrpc import MalformedAnswer, RetryPolicy, RpcErrorObject, exchange, with_retries
from chains.messages import N_
from chains.nesting import MAX_DEPTH, too_deep
from chains.snapshot import BalancesResult, ChainError, Reason, Snapshot, balances
from chains.transport import DEFAULT_TIMEOUT, network_transport

ASSET = "BTC"
TRUST_NOTE = N_(
    "esplora: balances from the server's address history; the server is trusted to list "
    "every transaction of each script (completeness) and their amounts"
)


class EsploraClient:
    """GETs on one Esplora base URL, with the JSON-RPC client's retries, deadline
    (`timeout` seconds a request, retries included) and named faults."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._timeout = timeout
        self.round_trips = 0
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport or network_transport(),
            timeout=httpx.Timeout(timeout),
        )

    @classmethod
    def connect(
        cls,
        url: str | None,
        *,
        endpoint: str = "esplora",
        recorder: Recorder | None = None,
        bundle: Bundle | None = None,
        inner: httpx.BaseTransport | None = None,
        **kwargs: Any,
    ) -> "EsploraClient":
        """A client on the network (recorded when `recorder` is given) or replaying `bundle`."""
        if bundle is not None:
            url = bundle.endpoints.get(endpoint)
            if url is None:
                raise NotInEvidence(f"the bundle has no endpoint named {endpoint!r}")
        if url is None:
            raise ValueError("an Esplora URL is needed unless replaying a bundle")
        transport = transport_for(endpoint, url, recorder=recorder, bundle=bundle, inner=inner)
        return cls(url, transport=transport, **kwargs)

    def __enter__(self) -> "EsploraClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def text(self, path: str, *, block_hash: str | None = None) -> str:
        return self._get(path, block_hash).text.strip()

    def json(self, path: str, *, block_hash: str | None = None) -> Any:
        content = self._get(path, block_hash).content
        if too_deep(content):
            raise MalformedAnswer(f"GET {path}: answer nested more than {MAX_DEPTH} levels deep")
        try:
            return json.loads(content)
        except ValueError:
            raise MalformedAnswer(f"GET {path}: answer is not JSON") from None

    def _get(self, path: str, block_hash: str | None) -> httpx.Response:
        extensions = {BLOCK_HASH_EXTENSION: block_hash} if block_hash else {}

        def attempt() -> httpx.Response:
            self.round_trips += 1
            return exchange(lambda: self._http.get(path, extensions=extensions), f"GET {path}")

        response = with_retries(self._retry, self._sleep, self._timeout, attempt)
        if response.status_code != 200:
            raise RpcErrorObject(f"GET {path}", response.status_code, response.text[:200])
        return response


@dataclass(frozen=True)
class EsploraOptions:
    network: Network
    min_confirmations: int = DEFAULT_CONFIRMATIONS


def read_balances(
    client: EsploraClient,
    snapshot: Snapshot,
    addresses: Sequence[str],
    options: EsploraOptions,
    recorder: Recorder | None = None,
) -> BalancesResult:
    """Each address's satoshis at `snapshot` by the server's history, or why not."""
    net = options.network
    scripts = script_pubkeys(addresses, net)
    if recorder is not None:
        recorder.note(TRUST_NOTE)
    try:
        judge(_view(client, snapshot), net, snapshot, options.min_confirmations)
        totals = [_balance(client, s, snapshot) for s in scripts]
        if _hash_at(client, snapshot.height) != snapshot.block_hash:
            raise ChainError(
                Reason.REORG, f"the block at height {snapshot.height} changed during the read"
            )
        return balances(snapshot, ASSET, zip(addresses, totals, strict=True))
    except ChainError as e:
        return e.result()


def block_at(client: EsploraClient, height: int) -> Snapshot:
    """The block the server has at `height` (see core.block_at)."""
    tip = answers.height_text(client.text("/blocks/tip/height"), "/blocks/tip/height")
    found = _hash_at(client, height) if height <= tip else None
    if found is None:
        raise ChainError(Reason.NODE_BEHIND, f"height {height} is above the server's tip {tip}")
    return Snapshot(height, found)


def _hash_at(client: EsploraClient, height: int) -> str | None:
    path = f"/block-height/{height}"
    try:
        return answers.hash_hex(client.text(path), path)
    except RpcErrorObject as e:
        if e.code == 404:
            return None
        raise


def _view(client: EsploraClient, snapshot: Snapshot) -> ChainView:
    tip = answers.height_text(client.text("/blocks/tip/height"), "/blocks/tip/height")
    at_height = _hash_at(client, snapshot.height) if tip >= snapshot.height else None
    genesis = answers.hash_hex(client.text("/block-height/0"), "/block-height/0")
    return ChainView(genesis, tip, at_height)


def _balance(client: EsploraClient, script: bytes, snapshot: Snapshot) -> int:
    """Received minus spent over the script's transactions confirmed by the snapshot."""
    scripthash = hashlib.sha256(script).digest()[::-1].hex()
    total = 0
    path = f"/scripthash/{scripthash}/txs/chain"
    seen: set[str] = set()
    while True:
        page = client.json(path, block_hash=snapshot.block_hash)
        if not isinstance(page, list):
            raise MalformedAnswer(f"{path}: not a list of transactions")
        if not page:
            return total
        for tx in page:
            txid, height, delta = _effect(tx, script.hex(), path)
            if txid in seen:
                raise MalformedAnswer(f"{path}: transaction {txid} listed twice")
            seen.add(txid)
            if height == snapshot.height and tx["status"].get("block_hash") != snapshot.block_hash:
                raise ChainError(
                    Reason.REORG, f"{txid} is confirmed at the snapshot height in another block"
                )
            if height <= snapshot.height:
                total += delta
        # Esplora pages confirmed history newest first, continuing after the last txid
        # (checked to be a txid by `_effect`, so it cannot make another path).
        path = f"/scripthash/{scripthash}/txs/chain/{txid}"


def _effect(tx: Any, script_hex: str, where: str) -> tuple[str, int, int]:
    """(txid, confirmed height, satoshis in minus out for the script) of one tx."""
    try:
        txid = answers.hash_hex(tx["txid"], f"{where}: txid")
        status = tx["status"]
        if status.get("confirmed") is not True:
            raise MalformedAnswer(f"{where}: {txid} is not confirmed")
        height = answers.height(status["block_height"], f"{where}: {txid}: block_height")
        value = f"{where}: {txid}: value"
        received = sum(
            answers.satoshis(o["value"], value)
            for o in tx["vout"]
            if o["scriptpubkey"] == script_hex
        )
        spent = sum(
            answers.satoshis(i["prevout"]["value"], value)
            for i in tx["vin"]
            if not i.get("is_coinbase") and i["prevout"]["scriptpubkey"] == script_hex
        )
    except (KeyError, TypeError, AttributeError) as e:
        raise MalformedAnswer(f"{where}: transaction lacks {e}") from None
    return txid, height, received - spent
