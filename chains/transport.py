"""The network under every client in `chains`: httpx, with an overall deadline per request.

httpx has only idle timeouts: each wait for a socket (connect, one read, one write) may
last the timeout, but a request as a whole may not be bounded at all, so a server that
sends one byte every half second keeps a read going for ever. Two other ways were
weighed and left:
- streaming the answer and checking the clock between chunks: the status line and the
  headers are read by httpcore before the first chunk reaches us, so a server dripping
  its headers is never seen;
- a watchdog thread that closes the connection at the deadline: closing a socket does
  not wake a thread blocked in recv() on it (Linux), and closing the client would end
  the other threads' requests too (blocks are fetched concurrently on one client).
So the deadline is kept where every wait happens: a network backend under httpcore
(its public `NetworkBackend` API) gives each connect, TLS handshake, read and write
only the time left before the request's deadline, and ends the request with httpcore's
own timeout error when none is left. httpx maps that to `httpx.TimeoutException` like
any idle timeout, and the clients name it `timeout`.

The deadline of the request in progress is a context variable, set by the client
around each request (`until`), so concurrent requests on one client in several threads
each keep their own. A host name resolving to several addresses is the one wait not
held to the time left as a whole: each address's connect gets the time left, and a
request that connected after the deadline is ended at once.
"""

import contextlib
import functools
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from ssl import SSLContext
from typing import Any, TypeVar

import httpcore
import httpx

# The longest one node request may take, retries and waits included (seconds).
DEFAULT_TIMEOUT = 30.0
# Sockets refuse timeouts past the platform's time_t; an hour for one request is far
# beyond any read a verification makes.
MAX_TIMEOUT = 3600.0

# (when, as time.monotonic(), and how many seconds the whole request was given)
T = TypeVar("T")

_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("por_deadline", default=None)


@contextlib.contextmanager
def until(end: float, seconds: float) -> Iterator[None]:
    """Requests made inside end by `end` (a `time.monotonic()` value), which is
    `seconds` after the request began (for the message)."""
    token = _DEADLINE.set((end, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _bounded(
    timeout: float | None,
    expired: type[httpcore.TimeoutException],
    wait: Callable[[float | None], T],
) -> T:
    """`wait(t)`, t the idle timeout cut to the time left before the deadline; a wait
    that the deadline cut short ends in `expired` saying so."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return wait(timeout)
    end, seconds = deadline
    words = f"the {seconds:g} s deadline passed"
    left = end - time.monotonic()
    if left <= 0:
        raise expired(words)
    if timeout is not None and timeout < left:
        return wait(timeout)  # the idle timeout comes first
    try:
        return wait(left)
    except expired:
        raise expired(words) from None


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _bounded(timeout, httpcore.ReadTimeout, lambda t: self._inner.read(max_bytes, t))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # httpcore's own write loops over send() with the same timeout for each part,
        # so a server reading slowly could stretch it; each send() here gets the time left.
        sock = self._inner.get_extra_info("socket")
        if sock is None:
            _bounded(timeout, httpcore.WriteTimeout, lambda t: self._inner.write(buffer, t))
            return
        view = memoryview(buffer)

        def send(wait: float | None) -> int:
            sock.settimeout(wait)
            try:
                return int(sock.send(view))
            except TimeoutError:
                raise httpcore.WriteTimeout("the node takes no more of the request") from None
            except OSError as e:
                raise httpcore.WriteError(str(e)) from None

        while view:
            view = view[_bounded(timeout, httpcore.WriteTimeout, send) :]

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        def handshake(wait: float | None) -> httpcore.NetworkStream:
            return self._inner.start_tls(ssl_context, server_hostname, wait)

        return _Stream(_bounded(timeout, httpcore.ConnectTimeout, handshake))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        def connect(wait: float | None) -> httpcore.NetworkStream:
            return self._inner.connect_tcp(host, port, wait, local_address, socket_options)

        stream = _bounded(timeout, httpcore.ConnectTimeout, connect)
        try:
            # Each of a host name's addresses is tried for the time left: one that
            # connected after the deadline ends the request all the same.
            _bounded(None, httpcore.ConnectTimeout, lambda _: None)
        except httpcore.ConnectTimeout:
            stream.close()
            raise
        return _Stream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        def connect(wait: float | None) -> httpcore.NetworkStream:
            return self._inner.connect_unix_socket(path, wait, socket_options)

        return _Stream(_bounded(timeout, httpcore.ConnectTimeout, connect))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def _ssl_context() -> SSLContext:
    """httpx's default TLS context (certifi's roots), built once: loading the roots
    takes about 0.1 s, which every client paid again."""
    return httpx.create_ssl_context()


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport over a connection pool that uses `_Backend`.

    httpx takes no network backend, so its pool is replaced by one built with
    httpcore's public constructor and httpx's default limits (httpx is pinned below
    0.29; the tests of a dripping and a silent server fail if a release stops using
    the pool this way).
    """

    def __init__(self) -> None:
        super().__init__(verify=_ssl_context())
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(),
        )


def network_transport() -> httpx.BaseTransport:
    """The transport to the network: every request made within `until` ends by then."""
    return _DeadlineTransport()
