"""Evidence: every answer a verification rests on, recorded so it can be replayed offline.

The recording sits at the HTTP layer (an httpx transport), so every client built
on httpx -- JSON-RPC or REST -- records the exact bytes it was given without
knowing about it, and an offline run swaps in a transport that serves those bytes
back. A record keeps the endpoint's name (never its URL, which may carry
credentials), what was asked, the block hash the read was pinned to, and the
sha256 of the raw answer.

The bundle format (por-evidence-v1) is the pydantic model `Bundle`: its fields and
their types, and `Bundle.problems()` for what ties fields together (an answer hashes
to its record's sha256, a record's method and params are what its request asks, its
endpoint is one the bundle names). A bundle read from a file is trusted only when it
validates and has no problem; verifier/io/evidence.py is the one reader that does both.
"""

import base64
import binascii
import hashlib
import json
import math
import re
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue

from chains.nesting import too_deep
from chains.transport import network_transport

FORMAT: Final = "por-evidence-v1"
# The sha256 of an answer, as hashlib writes it.
SHA256_PATTERN = r"^[0-9a-f]{64}$"
# A block hash as the clients pin reads to it: Ethereum's with 0x, Bitcoin's without.
BLOCK_HASH_PATTERN = r"^(0x)?[0-9a-f]{64}$"

# Key in httpx request extensions through which a client names the block hash a
# request is pinned to; the recording transport copies it into the record.
BLOCK_HASH_EXTENSION = "por_block_hash"

# Answers that say "try again later" are part of getting an answer, not the answer.
_TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


class NotInEvidence(Exception):
    """An offline run asked for something the bundle never recorded."""


def _base64(text: str) -> str:
    try:
        base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ValueError("not base64 text") from None
    return text


def _finite(value: JsonValue) -> JsonValue:
    """JSON numbers that are numbers: 1e400 would be read as infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("holds a number too large to be one (such as 1e400)")
    if isinstance(value, list):
        for item in value:
            _finite(item)
    elif isinstance(value, dict):
        for item in value.values():
            _finite(item)
    return value


def _endpoint_url(text: str) -> str:
    """What `redact` writes: an http(s) URL with a host, no credentials, query or fragment."""
    try:
        parts = urlsplit(text)
        plain = parts.scheme in ("http", "https") and bool(parts.hostname)
        plain = plain and redact(text) == text
        httpx.URL(text)
    except (ValueError, httpx.InvalidURL):
        plain = False
    if not plain:
        raise ValueError("not an http(s) URL without credentials, query or fragment")
    return text


def _matching(pattern: str, words: str) -> Any:
    """A pattern as a check with a worded error; the schema shows the pattern."""
    compiled = re.compile(pattern)

    def check(text: str) -> str:
        if not compiled.fullmatch(text):
            raise ValueError(f"{words}, not {text[:80]!r}")
        return text

    return (AfterValidator(check), Field(json_schema_extra={"pattern": pattern}))


Sha256Hex = Annotated[str, *_matching(SHA256_PATTERN, "a sha256 is 64 lowercase hex digits")]
BlockHash = Annotated[
    str,
    *_matching(
        BLOCK_HASH_PATTERN, "a block hash is 64 lowercase hex digits (0x first on Ethereum)"
    ),
]
EndpointName = Annotated[str, Field(min_length=1)]
EndpointUrl = Annotated[str, AfterValidator(_endpoint_url)]
Base64Text = Annotated[str, AfterValidator(_base64)]


def describe(http_method: str, path: str, body: str) -> tuple[str, JsonValue]:
    """What a request asked, for the reader of a bundle: the JSON-RPC method and its
    params ("batch" and the list of {method, params} for a batch), else the REST path."""
    if http_method == "GET" or too_deep(body):
        return path, None
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return path, None
    if isinstance(doc, list) and all(isinstance(c, dict) for c in doc):
        return "batch", [{"method": c.get("method"), "params": c.get("params")} for c in doc]
    if isinstance(doc, dict):
        return str(doc.get("method")), doc.get("params")
    return path, None


class Record(BaseModel):
    """One answer: who was asked what (pinned to which block), and the raw answer,
    as UTF-8 text (`answer`) or, when it is not UTF-8, as base64 (`answer_base64`)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=True,
        json_schema_extra={"oneOf": [{"required": ["answer"]}, {"required": ["answer_base64"]}]},
    )

    endpoint: EndpointName  # a name such as "primary" or "cross-check"
    http_method: Literal["GET", "POST"]
    # the path and query on the endpoint, no host or credentials
    path: Annotated[str, *_matching(r"^/.*$", "a path begins with /")]
    request: str  # the request body as sent ("" for a GET)
    method: str  # JSON-RPC method, "batch", or the REST path (see `describe`)
    params: Annotated[JsonValue, AfterValidator(_finite)]  # for a batch, [{method, params}]
    block_hash: BlockHash | None
    status: Annotated[int, Field(ge=100, le=599)]
    sha256: Sha256Hex  # of the raw answer
    answer: str | None = None
    answer_base64: Base64Text | None = None

    @classmethod
    def of(
        cls,
        *,
        endpoint: str,
        http_method: str,
        path: str,
        request: str,
        block_hash: str | None,
        status: int,
        answer: bytes,
    ) -> "Record":
        """The record of an answer, with what it describes and hashes filled in."""
        method, params = describe(http_method, path, request)
        try:
            kept = {"answer": answer.decode()}
        except UnicodeDecodeError:
            kept = {"answer_base64": base64.b64encode(answer).decode()}
        # Validated like a record read from a file: the same rules for both.
        return cls.model_validate(
            {
                "endpoint": endpoint,
                "http_method": http_method,
                "path": path,
                "request": request,
                "method": method,
                "params": params,
                "block_hash": block_hash,
                "status": status,
                "sha256": hashlib.sha256(answer).hexdigest(),
                **kept,
            }
        )

    @property
    def raw(self) -> bytes:
        """The answer's bytes as the endpoint sent them."""
        if self.answer_base64 is not None:
            return base64.b64decode(self.answer_base64)
        return (self.answer or "").encode()

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(exclude={"answer"} if self.answer is None else {"answer_base64"})

    def problems(self) -> Iterator[tuple[str | None, str]]:
        """(field of this record or None for the record, problem) for each rule broken."""
        if (self.answer is None) == (self.answer_base64 is None):
            yield None, "needs exactly one of answer and answer_base64"
            return
        hashed = hashlib.sha256(self.raw).hexdigest()
        if hashed != self.sha256:
            yield (
                None,
                (
                    f"answer does not match its recorded sha256 "
                    f"(recorded {self.sha256}, answer hashes to {hashed})"
                ),
            )
        method, params = describe(self.http_method, self.path, self.request)
        if self.method != method:
            yield "method", f"{_short(self.method)} is not what the request asks ({_short(method)})"
        elif _canonical(self.params) != _canonical(params):
            yield "params", "are not the params of the request"


_PARTS = ("format", "endpoints", "notes", "records")


class Bundle(BaseModel):
    """Records in the order they were made, the endpoints' redacted URLs, and notes
    (such as which source is trusted for what) that a report should repeat."""

    # The defaults are for code that builds a bundle; a file writes every field
    # (`to_bytes`), and one that leaves one out is refused (`problems`).
    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra={"required": list(_PARTS)}
    )

    format: Literal["por-evidence-v1"] = FORMAT
    endpoints: dict[EndpointName, EndpointUrl] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    records: list[Record] = Field(default_factory=list)

    def problems(self) -> Iterator[tuple[str, str]]:
        """(field path, problem) for each rule of a bundle read from a file beyond its
        fields' types: every field written, and what ties fields together."""
        for part in _PARTS:
            if part not in self.model_fields_set:
                yield part, "required field is missing"
        for i, record in enumerate(self.records):
            where = f"records[{i}]"
            if record.endpoint not in self.endpoints:
                yield f"{where}.endpoint", f"{_short(record.endpoint)} is not in endpoints"
            for field, problem in record.problems():
                yield f"{where}.{field}" if field else where, problem

    def to_bytes(self) -> bytes:
        """Deterministic serialisation: `digest()` is the sha256 of the saved file."""
        doc = {
            "format": self.format,
            "endpoints": self.endpoints,
            "notes": self.notes,
            "records": [r.to_json() for r in self.records],
        }
        return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()

    def digest(self) -> str:
        return hashlib.sha256(self.to_bytes()).hexdigest()

    def save(self, path: Path) -> str:
        """Write the bundle in place, for tests and scripts that make bundles. The
        `por` commands write theirs from `to_bytes()` through verifier/io/outputs
        (checked first, temporary file and rename, never over an input)."""
        data = self.to_bytes()
        path.write_bytes(data)
        return hashlib.sha256(data).hexdigest()


def _canonical(value: JsonValue) -> str | None:
    """One spelling of a JSON value, so that true and 1 (equal in Python) differ."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (ValueError, RecursionError):
        return None


def _short(text: str) -> str:
    return repr(text) if len(text) <= 60 else repr(text[:50] + "...")


class Recorder:
    """Collects records from any number of transports (thread-safe)."""

    def __init__(self) -> None:
        self._records: list[Record] = []
        self._endpoints: dict[str, str] = {}
        self._notes: list[str] = []
        self._lock = threading.Lock()

    def add_endpoint(self, name: str, url: str) -> None:
        with self._lock:
            self._endpoints[name] = redact(url)

    def note(self, text: str) -> None:
        with self._lock:
            if text not in self._notes:
                self._notes.append(text)

    def add(self, record: Record) -> None:
        with self._lock:
            self._records.append(record)

    @property
    def bundle(self) -> Bundle:
        with self._lock:
            return Bundle(
                records=list(self._records),
                endpoints=dict(self._endpoints),
                notes=list(self._notes),
            )


def redact(url: str) -> str:
    """The URL without credentials or query: safe to write into a bundle."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


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
            self._recorder.add(
                Record.of(
                    endpoint=self._endpoint,
                    http_method=request.method,
                    path=request.url.raw_path.decode(),
                    request=body.decode(errors="replace"),
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
        self._answers: dict[tuple[str, str, str], deque[tuple[int, bytes]]] = defaultdict(deque)
        for r in bundle.records:
            if r.endpoint == endpoint:
                self._answers[(r.http_method, r.path, r.request)].append((r.status, r.raw))
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read().decode(errors="replace")
        path = request.url.raw_path.decode()
        key = (request.method, path, body)
        with self._lock:
            queue = self._answers.get(key)
            if not queue:
                method, _ = describe(request.method, path, body)
                raise NotInEvidence(
                    f"the bundle holds no answer from {self._endpoint!r} to {method} {body[:120]}"
                )
            status, answer = queue.popleft() if len(queue) > 1 else queue[0]
        return httpx.Response(status, content=answer, request=request)


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
    base = inner if inner is not None else network_transport()
    if recorder is None:
        return base
    recorder.add_endpoint(endpoint, url)
    return RecordingTransport(base, recorder, endpoint)
