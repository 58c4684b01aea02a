"""Evidence bundles: what is recorded, that it replays offline, that tampering is refused."""

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chains.evidence import Bundle, Record, Recorder, redact
from chains.jsonrpc import JsonRpcClient
from chains.snapshot import ChainError, Reason
from tests.support.anvil import Anvil
from verifier.errors import InputError
from verifier.io.evidence import load_bundle


def record_some(anvil: Anvil, recorder: Recorder) -> list[object]:
    with JsonRpcClient.connect(anvil.url, recorder=recorder) as c:
        block = c.call("eth_getBlockByNumber", ["0x0", False])
        pinned = {"blockHash": block["hash"], "requireCanonical": True}
        calls = [("eth_getBalance", [f"0x{i:040x}", pinned]) for i in range(1, 4)]
        return [c.call("eth_chainId", []), *c.batch(calls, block_hash=block["hash"])]


def test_records_every_request_and_replays_offline(anvil: Anvil, tmp_path: Path) -> None:
    recorder = Recorder()
    online = record_some(anvil, recorder)
    bundle = recorder.bundle
    assert [r.method for r in bundle.records] == ["eth_getBlockByNumber", "eth_chainId", "batch"]
    batch = bundle.records[2]
    assert batch.params[0]["method"] == "eth_getBalance"
    assert batch.block_hash is not None and batch.block_hash.startswith("0x")
    assert bundle.endpoints == {"primary": anvil.url}

    path = tmp_path / "evidence.json"
    digest = bundle.save(path)
    loaded = load_bundle(path)
    assert loaded.digest() == digest
    with JsonRpcClient.connect(None, bundle=loaded) as offline:
        block = offline.call("eth_getBlockByNumber", ["0x0", False])
        pinned = {"blockHash": block["hash"], "requireCanonical": True}
        calls = [("eth_getBalance", [f"0x{i:040x}", pinned]) for i in range(1, 4)]
        again = [offline.call("eth_chainId", []), *offline.batch(calls)]
    assert again == online


def test_offline_refuses_a_read_it_never_recorded(anvil: Anvil) -> None:
    recorder = Recorder()
    record_some(anvil, recorder)
    with (
        JsonRpcClient.connect(None, bundle=recorder.bundle) as offline,
        pytest.raises(ChainError) as e,
    ):
        offline.call("eth_blockNumber", [])
    assert e.value.reason is Reason.NOT_IN_EVIDENCE


def tamper(path: Path, index: int, key: str, value: object) -> None:
    doc = json.loads(path.read_text())
    doc["records"][index][key] = value
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("answer", '{"jsonrpc":"2.0","id":1,"result":"0x1"}'),
        ("sha256", "00" * 32),
    ],
)
def test_tampered_bundle_is_refused(anvil: Anvil, tmp_path: Path, key: str, value: str) -> None:
    recorder = Recorder()
    record_some(anvil, recorder)
    path = tmp_path / "evidence.json"
    recorder.bundle.save(path)
    tamper(path, 1, key, value)
    # Bundles are read by the one loader of the input layer now: bad input, one line.
    with pytest.raises(InputError, match=r"records\[1\]: answer does not match"):
        load_bundle(path)


@pytest.mark.parametrize(
    "text",
    ["not json", '{"format": "other"}', '{"format": "por-evidence-v1", "records": [{}]}'],
)
def test_malformed_bundles(tmp_path: Path, text: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text)
    # Bundles are read by the one loader of the input layer now: bad input, one line.
    with pytest.raises(InputError, match=str(path)):
        load_bundle(path)


@given(st.binary(max_size=64), st.sampled_from([None, "0x" + "ab" * 32]))
def test_any_answer_round_trips(answer: bytes, block_hash: str | None) -> None:
    request = '{"jsonrpc":"2.0","id":1,"method":"m","params":[1]}'
    record = Record.of(
        endpoint="primary",
        http_method="POST",
        path="/",
        request=request,
        block_hash=block_hash,
        status=200,
        answer=answer,
    )
    assert (record.method, record.params, record.raw) == ("m", [1], answer)
    bundle = Bundle(endpoints={"primary": "http://node.test/"}, records=[record])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "evidence.json"
        bundle.save(path)
        assert load_bundle(path).records == [record]


def test_urls_are_redacted() -> None:
    assert redact("http://user:secret@node.example:8332/wallet/w?key=k") == (
        "http://node.example:8332/wallet/w"
    )
