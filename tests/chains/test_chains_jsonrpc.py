"""The JSON-RPC client's fault handling: every fault is a named error, never a result.

Faults are injected with httpx.MockTransport (the only use of mocks in the suite);
the happy path and batching run against the real anvil.
"""

import json
from collections.abc import Callable

import httpx
import pytest

from chains.jsonrpc import (
    Call,
    JsonRpcClient,
    MalformedAnswer,
    RateLimited,
    RetryPolicy,
    RpcErrorObject,
    RpcTimeout,
    TruncatedBatch,
    Unreachable,
)
from chains.snapshot import ChainError, Reason
from tests.support.anvil import Anvil

Handler = Callable[[httpx.Request], httpx.Response]


def client(handler: Handler, waits: list[float] | None = None, **retry: int) -> JsonRpcClient:
    sleeps = waits if waits is not None else []
    return JsonRpcClient(
        "http://node.test/",
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(backoff=0.5, **retry),
        sleep=sleeps.append,
    )


def ok(request: httpx.Request, result: object) -> httpx.Response:
    body = json.loads(request.content)
    return httpx.Response(200, json={"jsonrpc": "2.0", "id": body["id"], "result": result})


def test_real_node_single_and_batch(anvil: Anvil) -> None:
    with JsonRpcClient(anvil.url) as c:
        assert int(c.call("eth_chainId", []), 16) == anvil.chain_id
        calls: list[Call] = [("eth_chainId", [])] * 7
        assert c.batch(calls, size=3) == [hex(anvil.chain_id)] * 7
        assert c.round_trips == 1 + 3


def test_timeout_retried_then_named() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    waits: list[float] = []
    with pytest.raises(RpcTimeout) as e:
        client(handler, waits, attempts=3).call("eth_blockNumber", [])
    assert e.value.reason is Reason.TIMEOUT
    assert waits == [0.5, 1.0]  # exponential backoff between the three attempts


def test_transient_failure_recovers() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        if len(seen) < 3:
            return httpx.Response(503)
        return ok(request, "0x10")

    assert client(handler).call("eth_blockNumber", []) == "0x10"
    assert len(seen) == 3


def test_refused_connection_is_unreachable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(Unreachable) as e:
        client(handler, attempts=2).call("eth_blockNumber", [])
    assert e.value.reason is Reason.UNREACHABLE


def test_429_honours_retry_after() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        if len(seen) == 1:
            return httpx.Response(429, headers={"retry-after": "7"})
        return ok(request, "0x1")

    waits: list[float] = []
    assert client(handler, waits).call("eth_chainId", []) == "0x1"
    assert waits == [7]


def test_429_with_too_long_retry_after_gives_up_at_once() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"retry-after": "3600"})

    waits: list[float] = []
    with pytest.raises(RateLimited) as e:
        client(handler, waits).call("eth_chainId", [])
    assert e.value.reason is Reason.RATE_LIMITED and waits == []


def test_429_forever_is_rate_limited() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429)

    with pytest.raises(RateLimited):
        client(handler, attempts=3).call("eth_chainId", [])


def test_error_object_is_not_retried() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        err = {"code": -32000, "message": "header not found"}
        return httpx.Response(200, json={"jsonrpc": "2.0", "id": 1, "error": err})

    with pytest.raises(RpcErrorObject) as e:
        client(handler).call("eth_getBalance", ["0x0", "latest"])
    assert e.value.code == -32000 and "header not found" in e.value.message
    assert e.value.reason is Reason.RPC_ERROR
    assert len(seen) == 1


def test_bitcoin_core_error_with_http_500() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        err = {"code": -8, "message": "Block height out of range"}
        return httpx.Response(500, json={"result": None, "error": err, "id": 1})

    with pytest.raises(RpcErrorObject) as e:
        client(handler).call("getblockhash", [10**6])
    assert e.value.code == -8


def test_http_error_without_json_rpc_body() -> None:
    with pytest.raises(RpcErrorObject) as e:
        client(lambda r: httpx.Response(401, text="unauthorized")).call("getblockcount", [])
    assert e.value.code == 401


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"jsonrpc":"2.0","id":1}', b'"just a string"', b'{"id":2,"result":"0x1"}'],
)
def test_malformed_single_answers(content: bytes) -> None:
    with pytest.raises(MalformedAnswer) as e:
        client(lambda r: httpx.Response(200, content=content)).call("eth_chainId", [])
    assert e.value.reason is Reason.MALFORMED_ANSWER


def batch_handler(transform: Callable[[list[dict[str, object]]], object]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        calls = json.loads(request.content)
        answers = [{"jsonrpc": "2.0", "id": c["id"], "result": hex(c["id"])} for c in calls]
        return httpx.Response(200, json=transform(answers))

    return handler


CALLS: list[Call] = [("eth_chainId", [])] * 5


def test_batch_answers_in_any_order_are_matched_by_id() -> None:
    got = client(batch_handler(lambda a: list(reversed(a)))).batch(CALLS)
    assert got == [hex(i) for i in range(5)]


def test_truncated_batch() -> None:
    with pytest.raises(TruncatedBatch) as e:
        client(batch_handler(lambda a: a[:3])).batch(CALLS)
    assert e.value.reason is Reason.TRUNCATED_BATCH


@pytest.mark.parametrize(
    "transform",
    [
        lambda a: [*a[:4], a[0]],  # a repeated id
        lambda a: [*a[:4], {**a[4], "id": 99}],  # an id never sent
        lambda a: {"result": a},  # not an array
    ],
)
def test_mismatched_batch(transform: Callable[[list[dict[str, object]]], object]) -> None:
    with pytest.raises(MalformedAnswer):
        client(batch_handler(transform)).batch(CALLS)


def test_batch_with_one_error_object() -> None:
    def transform(answers: list[dict[str, object]]) -> object:
        answers[2] = {"jsonrpc": "2.0", "id": 2, "error": {"code": 3, "message": "reverted"}}
        return answers

    with pytest.raises(RpcErrorObject) as e:
        client(batch_handler(transform)).batch(CALLS)
    assert e.value.code == 3


def test_batch_refused_as_a_whole() -> None:
    err = {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "batch too large"}}
    with pytest.raises(RpcErrorObject) as e:
        client(lambda r: httpx.Response(200, json=err)).batch(CALLS)
    assert "batch too large" in str(e.value)


def test_every_fault_is_a_chain_error_with_a_result() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<html>")

    with pytest.raises(ChainError) as e:
        client(handler).call("eth_chainId", [])
    result = e.value.result()
    assert result.verdict == "inconclusive" and result.reason is Reason.MALFORMED_ANSWER


def test_batches_are_split_to_stay_under_the_request_size_limit() -> None:
    sizes = []

    def handler(request: httpx.Request) -> httpx.Response:
        sizes.append(len(request.content))
        calls = json.loads(request.content)
        return httpx.Response(200, json=[{"id": c["id"], "result": c["params"][0]} for c in calls])

    c = client(handler)
    c.max_request_bytes = 10_000
    blobs = [f"{i:04d}" + "ab" * 1000 for i in range(25)]
    assert c.batch([("eth_call", [b]) for b in blobs]) == blobs
    assert len(sizes) > 1 and max(sizes) <= 10_000
