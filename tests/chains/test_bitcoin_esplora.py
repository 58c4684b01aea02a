"""Bitcoin balances from an Esplora REST server's history.

The server is a tiny Esplora-compatible one (tests/support/esplora_server.py)
whose every answer is computed from the real bcoin node's blocks; it pages
history two transactions at a time so that paging is exercised.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chains.bitcoin.core import CoreOptions
from chains.bitcoin.core import read_balances as read_core
from chains.bitcoin.esplora import TRUST_NOTE, EsploraClient, EsploraOptions, read_balances
from chains.bitcoin.networks import NETWORKS
from chains.evidence import Bundle, Recorder
from chains.jsonrpc import JsonRpcClient, RetryPolicy
from chains.snapshot import Balances, BalancesResult, Inconclusive, Reason, Snapshot
from tests.support.bcoin import Bcoin
from tests.support.btc_history import History, make_history
from tests.support.btc_wallet import Faucet
from tests.support.esplora_server import run_esplora
from verifier.io.evidence import load_bundle

REGTEST = NETWORKS["regtest"]


@pytest.fixture(scope="module")
def history(bcoin: Bcoin, faucet: Faucet) -> History:
    return make_history(bcoin, faucet, "esplora-history")


@pytest.fixture(scope="module")
def esplora(bcoin: Bcoin) -> Iterator[str]:
    with run_esplora(bcoin, page_size=2) as url:
        yield url


def read(
    url: str | None,
    snap: Snapshot,
    addresses: list[str],
    *,
    recorder: Recorder | None = None,
    bundle: Bundle | None = None,
    inner: httpx.BaseTransport | None = None,
    network: str = "regtest",
    sleeps: list[float] | None = None,
    **options: Any,
) -> BalancesResult:
    client = EsploraClient.connect(
        url,
        recorder=recorder,
        bundle=bundle,
        inner=inner,
        retry=RetryPolicy(attempts=3, backoff=0),
        sleep=(sleeps if sleeps is not None else []).append,
    )
    with client:
        opts = EsploraOptions(NETWORKS[network], **options)
        return read_balances(client, snap, addresses, opts, recorder)


def as_dict(result: BalancesResult) -> dict[str, int]:
    assert isinstance(result, Balances), result
    return {b.address: b.balance for b in result.balances}


def reason(result: BalancesResult) -> Reason:
    assert isinstance(result, Inconclusive), result
    return result.reason


def test_balance_at_the_snapshot_not_the_tip(esplora: str, history: History) -> None:
    assert as_dict(read(esplora, history.snap, history.addresses)) == history.at_snap
    assert as_dict(read(esplora, history.later, history.addresses)) == history.at_later


def test_esplora_and_raw_blocks_agree(bcoin: Bcoin, esplora: str, history: History) -> None:
    with JsonRpcClient.connect(bcoin.url) as client:
        options = CoreOptions(REGTEST, from_height=history.start)
        from_blocks = read_core(client, history.snap, history.addresses, options)
    assert read(esplora, history.snap, history.addresses) == from_blocks


def test_the_evidence_says_the_server_is_trusted(esplora: str, history: History) -> None:
    recorder = Recorder()
    read(esplora, history.snap, history.addresses, recorder=recorder)
    bundle = recorder.bundle
    assert TRUST_NOTE in bundle.notes
    assert "completeness" in TRUST_NOTE
    pages = [r for r in bundle.records if "/txs/chain" in r.path]
    assert any(r.path.count("/") == 5 for r in pages)  # a continuation page was read
    assert all(r.block_hash == history.snap.block_hash for r in pages)


def test_evidence_replays_offline(esplora: str, history: History, tmp_path: Path) -> None:
    recorder = Recorder()
    online = read(esplora, history.snap, history.addresses, recorder=recorder)
    path = tmp_path / "evidence.json"
    recorder.bundle.save(path)
    assert (
        read(
            None,
            history.snap,
            history.addresses,
            bundle=load_bundle(path),
        )
        == online
    )


def test_a_wrong_hash_at_the_height_is_inconclusive(esplora: str, history: History) -> None:
    wrong = Snapshot(history.snap.height, history.later.block_hash)
    assert reason(read(esplora, wrong, history.addresses)) is Reason.REORG


def test_too_few_confirmations_is_inconclusive(
    bcoin: Bcoin, esplora: str, history: History
) -> None:
    tip = bcoin.height()
    snap = Snapshot(tip, bcoin.rpc("getblockhash", tip))
    assert reason(read(esplora, snap, history.addresses)) is Reason.NOT_ENOUGH_CONFIRMATIONS


def test_a_snapshot_above_the_tip_is_inconclusive(
    bcoin: Bcoin, esplora: str, history: History
) -> None:
    ahead = Snapshot(bcoin.height() + 3, "00" * 32)
    assert reason(read(esplora, ahead, history.addresses)) is Reason.NODE_BEHIND


def test_a_server_of_another_network_is_inconclusive(esplora: str, history: History) -> None:
    scripts = [f"raw({k.script_pubkey.hex()})" for k in history.keys]
    result = read(esplora, history.snap, scripts, network="signet")
    assert reason(result) is Reason.WRONG_CHAIN


class Rewrite(httpx.BaseTransport):
    """Passes GETs to the test server; `edit` may replace a JSON answer or the status."""

    def __init__(self, edit: Any) -> None:
        self._inner = httpx.HTTPTransport()
        self._edit = edit
        self.count = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        edited = self._edit(self.count, request.url.path)
        if isinstance(edited, httpx.Response):
            return edited
        response = self._inner.handle_request(request)
        raw = response.read()
        if edited is None or "/txs/chain" not in request.url.path:
            return httpx.Response(response.status_code, content=raw, request=request)
        return httpx.Response(200, content=json.dumps(edited(json.loads(raw))).encode())


def test_a_fractional_amount_is_refused(esplora: str, history: History) -> None:
    def floats(page: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for tx in page:
            for out in tx["vout"]:
                out["value"] = out["value"] + 0.5
        return page

    result = read(esplora, history.snap, history.addresses, inner=Rewrite(lambda n, p: floats))
    assert reason(result) is Reason.MALFORMED_ANSWER


def test_rate_limiting_is_waited_out(esplora: str, history: History) -> None:
    def limit_first(n: int, path: str) -> httpx.Response | None:
        if n == 1:
            return httpx.Response(429, headers={"retry-after": "7"})
        return None

    sleeps: list[float] = []
    result = read(
        esplora, history.snap, history.addresses, inner=Rewrite(limit_first), sleeps=sleeps
    )
    assert as_dict(result) == history.at_snap
    assert sleeps == [7]


def test_a_server_that_keeps_failing_is_inconclusive(esplora: str, history: History) -> None:
    def down(n: int, path: str) -> httpx.Response:
        return httpx.Response(503)

    result = read(esplora, history.snap, history.addresses, inner=Rewrite(down))
    assert reason(result) is Reason.UNREACHABLE
