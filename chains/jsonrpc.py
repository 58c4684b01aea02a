"""A JSON-RPC 2.0 client over httpx for pinned, read-only calls.

web3's providers hide batching limits, Retry-After and the raw answer bytes that the
evidence needs, and python-bitcoinlib's proxy has no batching at all, so both chains
share this small client. Every fault ends as a `ChainError` subclass with a stable
reason code; adapters turn it into an inconclusive result, never a balance.

Request ids are deterministic (1 for a single call, 0..n-1 inside a batch) so the
same reads produce the same bytes, which is what lets a bundle replay them.

Every request has one overall deadline (`timeout`, 30 s unless the caller says
otherwise) that covers its attempts and the waits between them: see `with_retries`,
and chains/transport.py for how a deadline is held while a server keeps sending.
"""

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx

from chains.evidence import (
    BLOCK_HASH_EXTENSION,
    Bundle,
    NotInEvidence,
    Recorder,
    transport_for,
)
from chains.nesting import MAX_DEPTH, too_deep
from chains.snapshot import ChainError, Reason
from chains.transport import DEFAULT_TIMEOUT, network_transport, until


class RpcTimeout(ChainError):
    def __init__(self, message: str) -> None:
        super().__init__(Reason.TIMEOUT, message)


class RateLimited(ChainError):
    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(Reason.RATE_LIMITED, message)
        self.retry_after = retry_after


class Unreachable(ChainError):
    def __init__(self, message: str) -> None:
        super().__init__(Reason.UNREACHABLE, message)


class RpcErrorObject(ChainError):
    """The node answered with a JSON-RPC error object (or a non-JSON-RPC HTTP error)."""

    def __init__(self, method: str, code: int | None, message: str, data: Any = None) -> None:
        super().__init__(Reason.RPC_ERROR, f"{method}: error {code}: {message}")
        self.method = method
        self.code = code
        self.data = data


class MalformedAnswer(ChainError):
    def __init__(self, message: str) -> None:
        super().__init__(Reason.MALFORMED_ANSWER, message)


class TruncatedBatch(ChainError):
    def __init__(self, message: str) -> None:
        super().__init__(Reason.TRUNCATED_BATCH, message)


@dataclass(frozen=True)
class RetryPolicy:
    """Reads are idempotent, so timeouts, refused connections, 429 and 502-504 are
    retried, as long as the request's deadline leaves time for it (`with_retries`)."""

    attempts: int = 4
    backoff: float = 0.25  # seconds before the 2nd attempt, doubling after


_RETRY_STATUSES = frozenset({502, 503, 504})

Call = tuple[str, Sequence[Any]]
T = TypeVar("T")


class JsonRpcClient:
    """One endpoint. `round_trips` counts HTTP requests sent, retries included.

    `timeout` is the longest one call or batch request may take in seconds, its
    retries and the waits between them included."""

    def __init__(
        self,
        url: str,
        *,
        endpoint: str = "primary",
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_request_bytes: int = 1 << 20,
    ) -> None:
        self.url = url
        self.endpoint = endpoint
        self.round_trips = 0
        self.max_request_bytes = max_request_bytes
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._timeout = timeout
        self._http = httpx.Client(
            transport=transport or network_transport(),
            timeout=httpx.Timeout(timeout),
            headers={"content-type": "application/json"},
        )

    @classmethod
    def connect(
        cls,
        url: str | None,
        *,
        endpoint: str = "primary",
        recorder: Recorder | None = None,
        bundle: Bundle | None = None,
        inner: httpx.BaseTransport | None = None,
        **kwargs: Any,
    ) -> "JsonRpcClient":
        """A client on the network (recorded when `recorder` is given) or replaying `bundle`."""
        if bundle is not None:
            url = bundle.endpoints.get(endpoint)
            if url is None:
                raise NotInEvidence(f"the bundle has no endpoint named {endpoint!r}")
        if url is None:
            raise ValueError("an endpoint URL is needed unless replaying a bundle")
        transport = transport_for(endpoint, url, recorder=recorder, bundle=bundle, inner=inner)
        return cls(url, endpoint=endpoint, transport=transport, **kwargs)

    def __enter__(self) -> "JsonRpcClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def call(self, method: str, params: Sequence[Any], *, block_hash: str | None = None) -> Any:
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
        answer = self._post(body, method, block_hash)
        if not isinstance(answer, dict):
            raise MalformedAnswer(f"{method}: answer is not a JSON-RPC object")
        return _result(answer, method, expected_id=1)

    def batch(
        self, calls: Sequence[Call], *, size: int | None = None, block_hash: str | None = None
    ) -> list[Any]:
        """Results in call order, sent as batches of at most `size` calls each and at
        most `max_request_bytes` per request (nodes refuse larger bodies)."""
        if size is not None and size < 1:
            raise ValueError("batch size must be at least 1")
        results: list[Any] = []
        for group in self._groups(calls, size or max(len(calls), 1)):
            results.extend(self._one_batch(group, block_hash))
        return results

    def _groups(self, calls: Sequence[Call], size: int) -> list[Sequence[Call]]:
        groups: list[Sequence[Call]] = []
        start, used = 0, 0
        for i, (method, params) in enumerate(calls):
            # The envelope ({"jsonrpc":"2.0","id":N,...}) adds under 64 bytes a call.
            cost = len(method) + len(json.dumps(params, separators=(",", ":"))) + 64
            if i > start and (i - start >= size or used + cost > self.max_request_bytes):
                groups.append(calls[start:i])
                start, used = i, 0
            used += cost
        if start < len(calls):
            groups.append(calls[start:])
        return groups

    def _one_batch(self, calls: Sequence[Call], block_hash: str | None) -> list[Any]:
        body = [
            {"jsonrpc": "2.0", "id": i, "method": m, "params": list(p)}
            for i, (m, p) in enumerate(calls)
        ]
        label = f"batch of {len(calls)} {calls[0][0]}" if calls else "empty batch"
        answer = self._post(body, label, block_hash)
        if isinstance(answer, dict) and "error" in answer:
            # Nodes answer a batch they refuse as a whole (too large) with one error.
            _result(answer, label, expected_id=None)
        if not isinstance(answer, list):
            raise MalformedAnswer(f"{label}: answer is not a JSON array")
        by_id: dict[int, dict[str, Any]] = {}
        for item in answer:
            if not isinstance(item, dict) or not isinstance(item.get("id"), int):
                raise MalformedAnswer(f"{label}: an answer has no integer id")
            if item["id"] in by_id or not 0 <= item["id"] < len(calls):
                raise MalformedAnswer(f"{label}: unexpected or repeated id {item['id']}")
            by_id[item["id"]] = item
        if len(by_id) != len(calls):
            raise TruncatedBatch(f"{label}: {len(by_id)} answers to {len(calls)} calls")
        return [_result(by_id[i], calls[i][0], expected_id=i) for i in range(len(calls))]

    def _post(self, body: Any, label: str, block_hash: str | None) -> Any:
        content = json.dumps(body, separators=(",", ":")).encode()
        extensions = {BLOCK_HASH_EXTENSION: block_hash} if block_hash else {}
        return with_retries(
            self._retry,
            self._sleep,
            self._timeout,
            lambda: self._exchange(content, label, extensions),
        )

    def _exchange(self, content: bytes, label: str, extensions: dict[str, Any]) -> Any:
        self.round_trips += 1
        response = exchange(
            lambda: self._http.post(self.url, content=content, extensions=extensions), label
        )
        status = response.status_code
        if too_deep(response.content):
            raise MalformedAnswer(f"{label}: answer nested more than {MAX_DEPTH} levels deep")
        try:
            answer = json.loads(response.content)
        except ValueError:
            if status != 200:
                raise RpcErrorObject(label, status, f"HTTP {status}") from None
            raise MalformedAnswer(f"{label}: answer is not JSON") from None
        # Bitcoin Core sends its error objects with HTTP 500; other statuses
        # without a JSON-RPC body are plain HTTP errors.
        if status != 200 and not (isinstance(answer, dict) and answer.get("error")):
            raise RpcErrorObject(label, status, f"HTTP {status}")
        return answer


def with_retries(
    policy: RetryPolicy, sleep: Callable[[float], None], seconds: float, attempt: Callable[[], T]
) -> T:
    """`attempt()` again after timeouts, refused connections and 429s, with backoff,
    all within one deadline `seconds` from now.

    The deadline is the request's, not each attempt's: attempts and the waits between
    them share it, so a caller who allows 30 s gets an answer or a named fault within
    30 s, never 4 x 30 s. A wait (backoff or Retry-After) that would end past the
    deadline is not begun: the last fault is the answer. Shared by every HTTP client
    in `chains` (JSON-RPC here, Esplora's REST)."""
    end = time.monotonic() + seconds
    last: ChainError | None = None
    for n in range(policy.attempts):
        if n:
            wait: float = policy.backoff * 2 ** (n - 1)
            if isinstance(last, RateLimited) and last.retry_after is not None:
                wait = last.retry_after
            if time.monotonic() + wait >= end:
                break
            sleep(wait)
        try:
            with until(end, seconds):
                return attempt()
        except (RpcTimeout, Unreachable, RateLimited) as e:
            last = e
    assert last is not None
    raise last


def exchange(send: Callable[[], httpx.Response], label: str) -> httpx.Response:
    """One HTTP exchange, its transport faults and "try later" statuses as named errors."""
    try:
        response = send()
    except httpx.TimeoutException as e:
        detail = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
        raise RpcTimeout(f"{label}: no answer in time ({detail})") from None
    except httpx.TransportError as e:
        raise Unreachable(f"{label}: {type(e).__name__}: {e}") from None
    except NotInEvidence as e:
        raise ChainError(Reason.NOT_IN_EVIDENCE, str(e)) from None
    if response.status_code == 429:
        after = _retry_after(response.headers.get("retry-after"))
        raise RateLimited(f"{label}: HTTP 429 (Retry-After {after})", after)
    if response.status_code in _RETRY_STATUSES:
        raise Unreachable(f"{label}: HTTP {response.status_code}")
    return response


def _result(answer: dict[str, Any], method: str, *, expected_id: int | None) -> Any:
    error = answer.get("error")
    if error is not None:
        if isinstance(error, dict):
            code = error.get("code")
            raise RpcErrorObject(
                method,
                code if isinstance(code, int) else None,
                str(error.get("message", "")),
                error.get("data"),
            )
        raise RpcErrorObject(method, None, str(error))
    if expected_id is not None and answer.get("id") != expected_id:
        raise MalformedAnswer(f"{method}: answer id {answer.get('id')!r}, sent {expected_id}")
    if "result" not in answer:
        raise MalformedAnswer(f"{method}: answer has neither result nor error")
    return answer["result"]


def _retry_after(value: str | None) -> int | None:
    """Retry-After as whole seconds: either a number or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, int(when.timestamp() - time.time()))
