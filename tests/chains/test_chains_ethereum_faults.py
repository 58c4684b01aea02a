"""The adapter under faults (injected in front of a real anvil), offline replay of
its evidence, cross-checks against a second endpoint, ERC-1271 calls, and the
committed contract artifacts."""

import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_abi import encode
from eth_account import Account
from eth_hash.auto import keccak
from eth_utils import function_signature_to_4byte_selector
from hypothesis import given
from hypothesis import strategies as st

from chains.ethereum import EthereumOptions, is_valid_signature, read_balances
from chains.ethereum.calls import Read, _aggregate3
from chains.evidence import Recorder
from chains.jsonrpc import JsonRpcClient, RetryPolicy
from chains.snapshot import Balances, Failed, Inconclusive, Reason, Snapshot, cross_check
from contracts.build import compile_all, render
from tests.support.anvil import Anvil
from tests.support.eth import BUILD, Chain, addresses
from tests.support.faults import Intercept, methods, rehashed
from verifier.errors import InputError
from verifier.io.evidence import load_bundle

ETH = EthereumOptions(chain_id=31337)
QUICK = RetryPolicy(attempts=2, backoff=0.01)
# A demo key (anvil's well-known account 1), never a secret.
DEMO_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"


@pytest.fixture(scope="module")
def setup(anvil: Anvil) -> tuple[Chain, str, list[str], Snapshot]:
    chain = Chain(anvil.url)
    chain.install_multicall()
    token = chain.deploy("DemoToken")
    who = addresses(30, seed=31)
    chain.set_balances(who, [i * 10**15 for i in range(30)])
    chain.mint(token, who, list(range(100, 130)))
    snap = chain.snapshot()
    chain.mine(64)
    return chain, token, who, snap


Setup = tuple[Chain, str, list[str], Snapshot]


def read(anvil: Anvil, setup: Setup, opts: EthereumOptions, **client: Any) -> object:
    _, _, who, snap = setup
    with JsonRpcClient(anvil.url, retry=QUICK, **client) as c:
        return read_balances(c, snap, who, opts)


def rewrite_batches(method: str, change: Any) -> Intercept:
    def rewrite(n: int, body: Any, answer: Any) -> Any:
        return change(answer) if method in methods(body) else answer

    return Intercept(rewrite=rewrite)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda a: a[:-1], Reason.TRUNCATED_BATCH),
        (lambda a: [*a[:-1], {**a[-1], "result": "0xzz"}], Reason.MALFORMED_ANSWER),
        (lambda a: [*a[:-1], {**a[-1], "result": None}], Reason.MALFORMED_ANSWER),
        (
            lambda a: [*a[:-1], {"jsonrpc": "2.0", "id": a[-1]["id"], "error": {"code": -32000}}],
            Reason.RPC_ERROR,
        ),
    ],
    ids=["truncated", "not-hex", "null", "error-object"],
)
def test_bad_batch_answers(anvil: Anvil, setup: Setup, change: Any, reason: Reason) -> None:
    opts = replace(ETH, mode="batch", batch_size=10)
    result = read(anvil, setup, opts, transport=rewrite_batches("eth_getBalance", change))
    assert isinstance(result, Inconclusive) and result.reason is reason, result


def test_malformed_multicall_answer(anvil: Anvil, setup: Setup) -> None:
    def change(answer: Any) -> Any:
        answer = copy.deepcopy(answer)
        answer[0]["result"] = answer[0]["result"][:-64]  # one word short
        return answer

    result = read(anvil, setup, ETH, transport=rewrite_batches("eth_call", change))
    assert isinstance(result, Inconclusive) and result.reason is Reason.MALFORMED_ANSWER


class Throttle(httpx.BaseTransport):
    """The real node behind a limiter that answers 429 (or times out) on chosen requests."""

    def __init__(self, fault: str, every: bool) -> None:
        self._inner = httpx.HTTPTransport()
        self._fault = fault
        self._every = every
        self.count = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self._every or self.count == 2:
            if self._fault == "429":
                return httpx.Response(429, headers={"retry-after": "0"})
            raise httpx.ReadTimeout("slow", request=request)
        return self._inner.handle_request(request)


@pytest.mark.parametrize(
    ("fault", "reason"), [("429", Reason.RATE_LIMITED), ("timeout", Reason.TIMEOUT)]
)
def test_persistent_faults_are_named(
    anvil: Anvil, setup: Setup, fault: str, reason: Reason
) -> None:
    result = read(anvil, setup, ETH, transport=Throttle(fault, every=True))
    assert isinstance(result, Inconclusive) and result.reason is reason


@pytest.mark.parametrize("fault", ["429", "timeout"])
def test_one_transient_fault_is_retried(anvil: Anvil, setup: Setup, fault: str) -> None:
    result = read(anvil, setup, ETH, transport=Throttle(fault, every=False))
    assert isinstance(result, Balances) and result.total == sum(i * 10**15 for i in range(30))


def test_node_without_eip1898_is_read_by_number(anvil: Anvil, setup: Setup) -> None:
    """A node that refuses block-hash parameters still gives the pinned balances,
    read by number between two checks of the hash at that height."""

    class NoEip1898(httpx.BaseTransport):
        def __init__(self) -> None:
            self._inner = httpx.HTTPTransport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            body = json.loads(request.read())
            if "blockHash" in json.dumps(body):
                calls = body if isinstance(body, list) else [body]
                err = {"code": -32602, "message": "invalid argument 1: hex string expected"}
                answers = [{"jsonrpc": "2.0", "id": c["id"], "error": err} for c in calls]
                return httpx.Response(200, json=answers if isinstance(body, list) else answers[0])
            return self._inner.handle_request(request)

    result = read(anvil, setup, ETH, transport=NoEip1898())
    assert isinstance(result, Balances) and result.total == sum(i * 10**15 for i in range(30))


@pytest.mark.parametrize(
    "opts",
    [ETH, replace(ETH, mode="batch", batch_size=7), replace(ETH, proofs=True, balance_slot=0)],
    ids=["multicall", "batch", "proofs"],
)
@pytest.mark.parametrize("token", [False, True], ids=["eth", "erc20"])
def test_evidence_replays_offline(
    anvil: Anvil, setup: Setup, tmp_path: Path, opts: EthereumOptions, token: bool
) -> None:
    _, token_address, who, snap = setup
    if token:
        opts = replace(opts, token=token_address)
    recorder = Recorder()
    with JsonRpcClient.connect(anvil.url, recorder=recorder) as online:
        live = read_balances(online, snap, who, opts)
    assert isinstance(live, Balances)
    path = tmp_path / "evidence.json"
    recorder.bundle.save(path)
    assert all(r.block_hash == snap.block_hash for r in recorder.bundle.records)

    with JsonRpcClient.connect(None, bundle=load_bundle(path)) as offline:
        again = read_balances(offline, snap, who, opts)
    assert again == live


def test_tampered_bundle_is_refused(anvil: Anvil, setup: Setup, tmp_path: Path) -> None:
    _, _, who, snap = setup
    recorder = Recorder()
    with JsonRpcClient.connect(anvil.url, recorder=recorder) as online:
        read_balances(online, snap, who, ETH)
    path = tmp_path / "evidence.json"
    recorder.bundle.save(path)
    doc = json.loads(path.read_text())
    doc["records"][-2]["answer"] = doc["records"][-2]["answer"].replace("0", "1", 1)
    path.write_text(json.dumps(doc))
    # Bundles are read by the one loader of the input layer now: bad input, one line.
    with pytest.raises(InputError, match="does not match its recorded sha256"):
        load_bundle(path)


def test_rehashed_lie_in_a_bundle_still_fails_the_proofs(
    anvil: Anvil, setup: Setup, tmp_path: Path
) -> None:
    """A bundle edited with care (answer changed, hash recomputed) loads, but in
    --proofs mode the changed balance no longer matches its proof."""
    _, _, who, snap = setup
    opts = replace(ETH, proofs=True)
    recorder = Recorder()
    with JsonRpcClient.connect(anvil.url, recorder=recorder) as online:
        read_balances(online, snap, who, opts)
    bundle = recorder.bundle
    i = next(
        i
        for i, r in enumerate(bundle.records)
        if r.method == "batch" and r.params[0]["method"] == "eth_getProof"
    )
    answers = json.loads(bundle.records[i].answer)
    answers[3]["result"]["balance"] = hex(10**30)
    bundle.records[i] = rehashed(bundle.records[i], json.dumps(answers).encode())
    path = tmp_path / "evidence.json"
    bundle.save(path)
    with JsonRpcClient.connect(None, bundle=load_bundle(path)) as offline:
        result = read_balances(offline, snap, who, opts)
    assert isinstance(result, Failed) and result.reason is Reason.PROOF_INVALID


def test_cross_check_agreement_and_disagreement(anvil: Anvil, setup: Setup) -> None:
    _, _, who, snap = setup
    with JsonRpcClient(anvil.url) as a, JsonRpcClient(anvil.url, endpoint="cross-check") as b:
        agreed = cross_check(read_balances(a, snap, who, ETH), read_balances(b, snap, who, ETH))
    assert isinstance(agreed, Balances)

    def lie(answer: Any) -> Any:
        answer = copy.deepcopy(answer)
        answer[0]["result"] = answer[0]["result"][:-1] + "f"
        return answer

    liar = rewrite_batches("eth_call", lie)
    with JsonRpcClient(anvil.url) as a, JsonRpcClient(anvil.url, transport=liar) as b:
        result = cross_check(read_balances(a, snap, who, ETH), read_balances(b, snap, who, ETH))
    assert isinstance(result, Failed) and result.reason is Reason.CROSS_CHECK_MISMATCH


def test_erc1271(anvil: Anvil, setup: Setup) -> None:
    chain, _, who, _ = setup
    owner = Account.from_key(DEMO_KEY)
    wallet = chain.deploy("DemoWallet1271", bytes(12) + bytes.fromhex(owner.address[2:]))
    chain.mine(2)
    snap = chain.snapshot()
    digest = keccak(b"por-ownership:v1 demo")
    signed = Account.unsafe_sign_hash(digest, DEMO_KEY)
    good = signed.signature
    code = chain.rpc.call("eth_getCode", [wallet, "latest"])
    with JsonRpcClient(anvil.url) as client:
        valid = is_valid_signature(client, snap, wallet, digest, good)
        forged = is_valid_signature(client, snap, wallet, digest, good[:-1] + bytes([good[-1] ^ 1]))
        other = is_valid_signature(client, snap, wallet, keccak(b"other"), good)
        eoa = is_valid_signature(client, snap, who[0], digest, good)
    assert valid.valid and valid.result[:4].hex() == "1626ba7e" and valid.has_code
    assert valid.code_hash == "0x" + keccak(bytes.fromhex(code[2:])).hex()
    assert valid.block_hash == snap.block_hash
    assert not forged.valid and not other.valid
    assert not eoa.valid and not eoa.has_code and eoa.result == b""


def test_committed_artifacts_are_what_the_sources_compile_to() -> None:
    for name, artifact in compile_all().items():
        assert (BUILD / f"{name}.json").read_text() == render(artifact), name


@given(
    st.lists(
        st.tuples(st.binary(min_size=20, max_size=20), st.binary(max_size=80)),
        max_size=6,
    )
)
def test_aggregate3_encoding_matches_eth_abi(items: list[tuple[bytes, bytes]]) -> None:
    reads = [Read("0x" + "00" * 20, "0x" + t.hex(), data, ("x", []), True) for t, data in items]
    expected = encode(["(address,bool,bytes)[]"], [[("0x" + t.hex(), True, d) for t, d in items]])
    assert (
        _aggregate3(reads)
        == function_signature_to_4byte_selector("aggregate3((address,bool,bytes)[])") + expected
    )
