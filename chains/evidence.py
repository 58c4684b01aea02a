"""Evidence: every answer a verification rests on, recorded so it can be replayed offline.

The recording sits at the HTTP layer (an httpx transport), so every client built
on httpx -- JSON-RPC or REST -- records the exact bytes it was given without
knowing about it, and an offline run swaps in a transport that serves those bytes
back. A record keeps the endpoint's name (never its URL, which may carry
credentials), what was asked, the block hash the read was pinned to, and the
sha256 of the raw answer; a bundle whose answers do not hash to their records is
refused as a whole.
"""

import base64
import hashlib
import json
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

FORMAT = "por-evidence-v1"

# Key in httpx request extensions through which a client names the block hash a
# request is pinned to; the recording transport copies it into the record.
BLOCK_HASH_EXTENSION = "por_block_hash"

# Answers that say "try again later" are part of getting an answer, not the answer.
_TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


class EvidenceError(Exception):
    """A bundle that cannot be trusted or does not hold what was asked."""


class NotInEvidence(EvidenceError):
    """An offline run asked for something the bundle never recorded."""


@dataclass(frozen=True)
class Record:
    endpoint: str  # a name such as "primary" or "cross-check"
    http_method: str
    path: str  # path and query on the endpoint, no host or credentials
    request: str  # the request body as sent ("" for a GET)
    method: str  # JSON-RPC method, "batch", or the REST path
    params: Any  # JSON-RPC params; for a batch, the list of {method, params}
    block_hash: str | None
    status: int
    answer: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.answer).hexdigest()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "endpoint": self.endpoint,
            "http_method": self.http_method,
            "path": self.path,
            "request": self.request,
            "method": self.method,
            "params": self.params,
            "block_hash": self.block_hash,
            "status": self.status,
            "sha256": self.sha256,
        }
        try:
            out["answer"] = self.answer.decode()
        except UnicodeDecodeError:
            out["answer_base64"] = base64.b64encode(self.answer).decode()
        return out

    @classmethod
    def from_json(cls, data: Any, where: str) -> "Record":
        """Rebuild a record, refusing one whose answer does not match its hash."""
        if not isinstance(data, dict):
            raise EvidenceError(f"{where}: not an object")
        try:
            if "answer_base64" in data:
                answer = base64.b64decode(data["answer_base64"], validate=True)
            else:
                answer = str(data["answer"]).encode()
            record = cls(
                endpoint=_text(data, "endpoint"),
                http_method=_text(data, "http_method"),
                path=_text(data, "path"),
                request=_text(data, "request"),
                method=_text(data, "method"),
                params=data.get("params"),
                block_hash=data.get("block_hash"),
                status=int(data["status"]),
                answer=answer,
            )
            recorded = _text(data, "sha256")
        except (KeyError, TypeError, ValueError) as e:
            raise EvidenceError(f"{where}: missing or bad field ({e})") from None
        if record.sha256 != recorded:
            raise EvidenceError(
                f"{where}: answer does not match its recorded sha256 "
                f"(recorded {recorded}, answer hashes to {record.sha256})"
            )
        return record


def _text(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} is not a string")
    return value


@dataclass
class Bundle:
    """Records in the order they were made, the endpoints' redacted URLs, and notes
    (such as which source is trusted for what) that a report should repeat."""

    records: list[Record] = field(default_factory=list)
    endpoints: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        """Deterministic serialisation: `digest()` is the sha256 of the saved file."""
        doc = {
            "format": FORMAT,
            "endpoints": self.endpoints,
            "notes": self.notes,
            "records": [r.to_json() for r in self.records],
        }
        return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()

    def digest(self) -> str:
        return hashlib.sha256(self.to_bytes()).hexdigest()

    def save(self, path: Path) -> str:
        data = self.to_bytes()
        path.write_bytes(data)
        return hashlib.sha256(data).hexdigest()

    @classmethod
    def from_bytes(cls, data: bytes, where: str) -> "Bundle":
        """A saved bundle, refused whole when any answer does not match its hash.

        Reading the file (its size, strict JSON) is the caller's: the verifier reads
        every file through its input layer."""
        try:
            doc = json.loads(data)
        except ValueError as e:
            raise EvidenceError(f"{where}: not JSON ({e})") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise EvidenceError(f"{where}: format is not {FORMAT!r}")
        raw = doc.get("records")
        if not isinstance(raw, list):
            raise EvidenceError(f"{where}: records is not a list")
        records = [Record.from_json(r, f"{where}: records[{i}]") for i, r in enumerate(raw)]
        endpoints = doc.get("endpoints", {})
        notes = doc.get("notes", [])
        if not isinstance(endpoints, dict) or not isinstance(notes, list):
            raise EvidenceError(f"{where}: endpoints or notes malformed")
        return cls(records, {str(k): str(v) for k, v in endpoints.items()}, [str(n) for n in notes])


class Recorder:
    """Collects records from any number of transports (thread-safe)."""

    def __init__(self) -> None:
        self._bundle = Bundle()
        self._lock = threading.Lock()

    def add_endpoint(self, name: str, url: str) -> None:
        with self._lock:
            self._bundle.endpoints[name] = redact(url)

    def note(self, text: str) -> None:
        with self._lock:
            if text not in self._bundle.notes:
                self._bundle.notes.append(text)

    def add(self, record: Record) -> None:
        with self._lock:
            self._bundle.records.append(record)

    @property
    def bundle(self) -> Bundle:
        with self._lock:
            return Bundle(
                list(self._bundle.records),
                dict(self._bundle.endpoints),
                list(self._bundle.notes),
            )


def redact(url: str) -> str:
    """The URL without credentials or query: safe to write into a bundle."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


def _describe(request: httpx.Request, body: bytes) -> tuple[str, Any]:
    """What a request asked, for the reader of a bundle (JSON-RPC or REST)."""
    if request.method == "GET":
        return request.url.raw_path.decode(), None
    try:
        doc = json.loads(body)
    except ValueError:
        return request.url.raw_path.decode(), None
    if isinstance(doc, list):
        calls = [{"method": c.get("method"), "params": c.get("params")} for c in doc]
        return "batch", calls
    if isinstance(doc, dict):
        return str(doc.get("method")), doc.get("params")
    return request.url.raw_path.decode(), None


class RecordingTransport(httpx.BaseTransport):
    """Passes requests to `inner` and records every answer that is not transient."""

    def __init__(self, inner: httpx.BaseTransport, recorder: Recorder, endpoint: str) -> None:
        self._inner = inner
        self._recorder = recorder
        self._endpoint = endpoint

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        response = self._inner.handle_request(request)
        answer = response.read()
        if response.status_code not in _TRANSIENT_STATUSES:
            method, params = _describe(request, body)
            self._recorder.add(
                Record(
                    endpoint=self._endpoint,
                    http_method=request.method,
                    path=request.url.raw_path.decode(),
                    request=body.decode(errors="replace"),
                    method=method,
                    params=params,
                    block_hash=request.extensions.get(BLOCK_HASH_EXTENSION),
                    status=response.status_code,
                    answer=answer,
                )
            )
        return httpx.Response(
            response.status_code, headers=response.headers, content=answer, request=request
        )

    def close(self) -> None:
        self._inner.close()


class ReplayTransport(httpx.BaseTransport):
    """Serves a bundle's answers to the same requests, with no network.

    Requests are matched on endpoint, HTTP method, path and exact body; repeated
    identical requests get the recorded answers in order, the last one again once
    they run out (reads pinned to a block hash do not change).
    """

    def __init__(self, bundle: Bundle, endpoint: str) -> None:
        self._endpoint = endpoint
        self._answers: dict[tuple[str, str, str], deque[Record]] = defaultdict(deque)
        for r in bundle.records:
            if r.endpoint == endpoint:
                self._answers[(r.http_method, r.path, r.request)].append(r)
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read().decode(errors="replace")
        key = (request.method, request.url.raw_path.decode(), body)
        with self._lock:
            queue = self._answers.get(key)
            if not queue:
                method, _ = _describe(request, request.content)
                raise NotInEvidence(
                    f"the bundle holds no answer from {self._endpoint!r} to {method} {body[:120]}"
                )
            record = queue.popleft() if len(queue) > 1 else queue[0]
        return httpx.Response(record.status, content=record.answer, request=request)


def transport_for(
    endpoint: str,
    url: str | None,
    *,
    recorder: Recorder | None = None,
    bundle: Bundle | None = None,
    inner: httpx.BaseTransport | None = None,
) -> httpx.BaseTransport:
    """The transport a client should use: replay a bundle, or the network, recorded.

    `inner` replaces the network transport (tests inject faults with it).
    """
    if bundle is not None:
        return ReplayTransport(bundle, endpoint)
    if url is None:
        raise ValueError("an endpoint URL is needed unless replaying a bundle")
    base = inner if inner is not None else httpx.HTTPTransport()
    if recorder is None:
        return base
    recorder.add_endpoint(endpoint, url)
    return RecordingTransport(base, recorder, endpoint)
