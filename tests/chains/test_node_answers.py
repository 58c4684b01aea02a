"""A number from a node is what its protocol allows, or the read is `malformed-answer`:
never a balance, a height or a chain id read from something else.

Faults are injected in front of the real nodes (anvil, bcoin, and the Esplora server
computed from bcoin's blocks): each test changes one value of a real answer.
"""

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from chains.bitcoin.answers import MAX_HEIGHT, MAX_MONEY
from chains.bitcoin.core import CoreOptions
from chains.bitcoin.core import read_balances as read_core
from chains.bitcoin.esplora import EsploraClient, EsploraOptions
from chains.bitcoin.esplora import read_balances as read_esplora
from chains.bitcoin.networks import NETWORKS
from chains.ethereum import EthereumOptions, read_balances
from chains.jsonrpc import JsonRpcClient, RetryPolicy
from chains.snapshot import Balances, BalancesResult, Inconclusive, Reason, Snapshot
from tests.support.anvil import Anvil
from tests.support.bcoin import Bcoin
from tests.support.btc_history import History, make_history
from tests.support.btc_wallet import Faucet
from tests.support.esplora_server import run_esplora
from tests.support.eth import Chain, addresses
from tests.support.faults import Intercept, methods

QUICK = RetryPolicy(attempts=1)
REGTEST = NETWORKS["regtest"]
# Two JSON-RPC results to change: what each method answers, (request, result) -> result.
Change = Callable[[dict[str, Any], Any], Any]


def results(method: str, change: Change) -> Intercept:
    """Every answer to `method`, single or inside a batch, changed by `change`."""

    def rewrite(n: int, body: Any, answer: Any) -> Any:
        if method not in methods(body):
            return answer
        answer = copy.deepcopy(answer)
        asked = {c["id"]: c for c in (body if isinstance(body, list) else [body])}
        for item in answer if isinstance(answer, list) else [answer]:
            if asked[item["id"]]["method"] == method and "result" in item:
                item["result"] = change(asked[item["id"]], item["result"])
        return answer

    return Intercept(rewrite=rewrite)


def malformed(result: BalancesResult) -> bool:
    return isinstance(result, Inconclusive) and result.reason is Reason.MALFORMED_ANSWER


# Ethereum: anvil behind the fault.

ETH = EthereumOptions(chain_id=31337, mode="batch", confirmations=1)
WHO = addresses(3, seed=77)


@pytest.fixture(scope="module")
def snap(anvil: Anvil) -> Snapshot:
    chain = Chain(anvil.url)
    chain.set_balances(WHO, [10**18, 5, 0])
    snapshot = chain.snapshot()
    chain.mine(2)
    return snapshot


def read_eth(
    anvil: Anvil, snap: Snapshot, fault: httpx.BaseTransport, **options: Any
) -> BalancesResult:
    with JsonRpcClient(anvil.url, retry=QUICK, transport=fault) as client:
        return read_balances(client, snap, WHO, replace(ETH, **options))


def first(value: Any) -> Change:
    """The answer for the first address becomes `value`; the others stay."""
    return lambda call, result: value if call["params"][0] == WHO[0] else result


NOT_QUANTITIES = [
    "0x" + "1" * 100,  # 100 hex digits: 400 bits
    "0x1" + "0" * 64,  # 65 digits: one past 256 bits
    "0x000001",  # zero-padded
    "0x00",
    "0x",
    "-0x1",
    "0x-1",
    "0xzz",
    "0X1",
    "1",
    " 0x1",
    "0x1\n",
    "0x1 ",
    "0x\uff11",  # a fullwidth digit one
    1,
    True,
    None,
    ["0x1"],
]


@pytest.mark.parametrize("value", NOT_QUANTITIES, ids=repr)
def test_a_balance_that_is_not_a_quantity_is_malformed(
    anvil: Anvil, snap: Snapshot, value: Any
) -> None:
    assert malformed(read_eth(anvil, snap, results("eth_getBalance", first(value))))


@pytest.mark.parametrize(
    ("value", "balance"), [("0x" + "f" * 64, 2**256 - 1), ("0xABC", 0xABC), ("0x0", 0)]
)
def test_a_canonical_quantity_is_read(
    anvil: Anvil, snap: Snapshot, value: str, balance: int
) -> None:
    result = read_eth(anvil, snap, results("eth_getBalance", first(value)))
    assert isinstance(result, Balances) and result.balances[0].balance == balance
    assert [b.balance for b in result.balances[1:]] == [5, 0]


@pytest.mark.parametrize("method", ["eth_blockNumber", "eth_chainId"])
@pytest.mark.parametrize("padding", ["0x0", "0x00000"])
def test_a_zero_padded_height_or_chain_id_is_malformed(
    anvil: Anvil, snap: Snapshot, method: str, padding: str
) -> None:
    padded = results(method, lambda call, result: padding + result[2:])
    assert malformed(read_eth(anvil, snap, padded))


@pytest.mark.parametrize("value", [12345, None, "0x12", "0x" + "ab" * 33, "ab" * 32])
def test_a_block_hash_that_is_not_one_is_malformed(
    anvil: Anvil, snap: Snapshot, value: Any
) -> None:
    """Not a reorganisation (the node named another block): the node named no block."""

    def change(call: dict[str, Any], block: Any) -> Any:
        return {**block, "hash": value}

    assert malformed(read_eth(anvil, snap, results("eth_getBlockByNumber", change)))


@pytest.mark.parametrize("value", ["0x6", "0x 60", "60", 0])
def test_code_that_is_not_hex_data_is_malformed(anvil: Anvil, snap: Snapshot, value: Any) -> None:
    assert malformed(read_eth(anvil, snap, results("eth_getCode", lambda call, code: value)))


def test_a_proven_balance_said_in_non_canonical_hex_is_malformed(
    anvil: Anvil, snap: Snapshot
) -> None:
    def change(call: dict[str, Any], proof: Any) -> Any:
        return {**proof, "balance": "0x0" + proof["balance"][2:]}

    result = read_eth(anvil, snap, results("eth_getProof", change), proofs=True)
    assert malformed(result), result


# Bitcoin Core-style JSON-RPC: bcoin behind the fault.


@pytest.fixture(scope="module")
def history(bcoin: Bcoin, faucet: Faucet) -> History:
    return make_history(bcoin, faucet, "answers-history")


def read_btc(bcoin: Bcoin, history: History, fault: Intercept) -> BalancesResult:
    options = CoreOptions(REGTEST, from_height=history.start)
    with JsonRpcClient(bcoin.url, retry=QUICK, transport=fault) as client:
        return read_core(client, history.snap, history.addresses, options)


@pytest.mark.parametrize(
    "change",
    [
        lambda tip: True,
        lambda tip: -1,
        lambda tip: float(tip),
        lambda tip: str(tip),
        lambda tip: MAX_HEIGHT + 1,
        lambda tip: None,
    ],
    ids=["true", "negative", "float", "string", "past-32-bits", "null"],
)
def test_a_tip_height_that_is_not_one_is_malformed(
    bcoin: Bcoin, history: History, change: Callable[[int], Any]
) -> None:
    fault = results("getblockcount", lambda call, tip: change(tip))
    assert malformed(read_btc(bcoin, history, fault))


@pytest.mark.parametrize(
    "change", [str.upper, lambda h: h[:-2], lambda h: "0x" + h, lambda h: 7], ids=repr
)
def test_a_block_hash_that_is_not_one_is_malformed_on_bitcoin(
    bcoin: Bcoin, history: History, change: Callable[[str], Any]
) -> None:
    fault = results("getblockhash", lambda call, block_hash: change(block_hash))
    assert malformed(read_btc(bcoin, history, fault))


@pytest.mark.parametrize("kind", ["float-height", "true-height", "number-for-a-hash"])
def test_scanblocks_answers_that_are_not_what_core_writes_are_malformed(
    bcoin: Bcoin, history: History, kind: str
) -> None:
    """bcoin has no scanblocks: it is answered here as Core would, with one value wrong
    (a float height equals the int in Python; JSON true equals 1)."""
    start, stop = history.start, history.snap.height
    found: dict[str, Any] = {
        "from_height": float(start) if kind == "float-height" else start,
        "to_height": stop,
        "relevant_blocks": history.touched[:2] if kind != "number-for-a-hash" else [12],
    }
    options = CoreOptions(REGTEST, from_height=1 if kind == "true-height" else start)
    if kind == "true-height":
        found["from_height"] = True

    def rewrite(n: int, body: Any, answer: Any) -> Any:
        if methods(body) == ["scanblocks"]:
            return {"jsonrpc": "2.0", "id": body["id"], "result": found, "error": None}
        return answer

    with JsonRpcClient(bcoin.url, retry=QUICK, transport=Intercept(rewrite=rewrite)) as client:
        result = read_core(client, history.snap, history.addresses, options)
    assert malformed(result), result


# Esplora REST: the Esplora server (every number from bcoin) behind the fault.


@pytest.fixture(scope="module")
def esplora(bcoin: Bcoin) -> Iterator[str]:
    with run_esplora(bcoin, page_size=2) as url:
        yield url


class EditAnswers(httpx.BaseTransport):
    """Passes GETs to the server; `edit(path, body)` may replace an answer's body."""

    def __init__(self, edit: Callable[[str, bytes], bytes]) -> None:
        self._inner = httpx.HTTPTransport()
        self._edit = edit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        body = self._edit(request.url.path, response.read())
        return httpx.Response(response.status_code, content=body, request=request)


def read_from_esplora(url: str, history: History, edit: Callable[[str, bytes], bytes]) -> Any:
    client = EsploraClient.connect(url, inner=EditAnswers(edit), retry=QUICK)
    with client:
        return read_esplora(client, history.snap, history.addresses, EsploraOptions(REGTEST))


def test_the_unedited_answers_read(esplora: str, history: History) -> None:
    """The edits below are what makes the reads malformed: without them they read."""
    result = read_from_esplora(esplora, history, lambda path, body: body)
    assert isinstance(result, Balances)
    assert {b.address: b.balance for b in result.balances} == history.at_snap


@pytest.mark.parametrize(
    "change",
    [
        lambda t: "".join(chr(0xFF10 + int(d)) for d in t),  # fullwidth digits
        lambda t: "0" + t,
        lambda t: "+" + t,
        lambda t: t + ".0",
        lambda t: "-1",
        lambda t: "",
        lambda t: "4e3",
        lambda t: str(MAX_HEIGHT + 1),
    ],
    ids=["fullwidth", "leading-zero", "plus", "decimal", "negative", "empty", "exponent", "big"],
)
def test_a_tip_height_text_that_is_not_one_is_malformed(
    esplora: str, history: History, change: Callable[[str], str]
) -> None:
    def edit(path: str, body: bytes) -> bytes:
        return change(body.decode()).encode() if path == "/blocks/tip/height" else body

    assert malformed(read_from_esplora(esplora, history, edit))


def test_a_genesis_hash_that_is_not_one_is_malformed(esplora: str, history: History) -> None:
    def edit(path: str, body: bytes) -> bytes:
        return body.upper() if path == "/block-height/0" else body

    assert malformed(read_from_esplora(esplora, history, edit))


def edit_txs(change: Callable[[dict[str, Any]], None]) -> Callable[[str, bytes], bytes]:
    """`change` applied to the first transaction of every history page."""

    def edit(path: str, body: bytes) -> bytes:
        if "/txs/chain" not in path:
            return body
        page = json.loads(body)
        if page:
            change(page[0])
        return json.dumps(page).encode()

    return edit


def set_values(value: Any) -> Callable[[dict[str, Any]], None]:
    def change(tx: dict[str, Any]) -> None:
        for out in tx["vout"]:
            out["value"] = value

    return change


def set_status(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(tx: dict[str, Any]) -> None:
        tx["status"][key] = value

    return change


def set_txid(value: Any) -> Callable[[dict[str, Any]], None]:
    def change(tx: dict[str, Any]) -> None:
        tx["txid"] = value

    return change


@pytest.mark.parametrize(
    "change",
    [
        set_values(MAX_MONEY + 1),
        set_values(10**30),
        set_values(True),
        set_values(-5),
        set_values(1e3),
        set_status("block_height", True),
        set_status("block_height", MAX_HEIGHT + 1),
        set_status("block_height", -1),
        set_status("block_height", 3.0),
        set_txid("../../blocks/tip/height"),
        set_txid(12),
    ],
    ids=[
        "value-above-all-coins",
        "value-1e30",
        "value-true",
        "value-negative",
        "value-float",
        "height-true",
        "height-past-32-bits",
        "height-negative",
        "height-float",
        "txid-a-path",
        "txid-a-number",
    ],
)
def test_history_numbers_that_are_not_what_esplora_writes_are_malformed(
    esplora: str, history: History, change: Callable[[dict[str, Any]], None]
) -> None:
    assert malformed(read_from_esplora(esplora, history, edit_txs(change)))


# Nesting: an answer deeper than any node writes is malformed before a parser recurses
# (web3, imported here, has raised the recursion limit past what the C stack holds).

DEEP = b"[" * 100_000 + b"]" * 100_000


class DeepenRpc(httpx.BaseTransport):
    """anvil's answers, with the first eth_getBalance result replaced by deep brackets,
    in raw bytes (no JSON encoder in this process could write them)."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        asked = b"eth_getBalance" in request.read()
        response = self._inner.handle_request(request)
        body = response.read()
        if asked:
            body = re.sub(rb'"result":"0x[0-9a-f]*"', b'"result":' + DEEP, body, count=1)
        return httpx.Response(response.status_code, content=body, request=request)


def test_a_deeply_nested_rpc_answer_is_malformed(anvil: Anvil, snap: Snapshot) -> None:
    result = read_eth(anvil, snap, DeepenRpc())
    assert malformed(result) and "nested more than 512 levels deep" in str(result)


def test_a_deeply_nested_esplora_answer_is_malformed(esplora: str, history: History) -> None:
    def edit(path: str, body: bytes) -> bytes:
        return b'[{"txid":' + DEEP + b"}]" if "/txs/chain" in path else body

    result = read_from_esplora(esplora, history, edit)
    assert malformed(result) and "nested more than 512 levels deep" in str(result)
