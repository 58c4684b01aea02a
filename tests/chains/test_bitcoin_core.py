"""Bitcoin balances at a pinned block from raw blocks, against a real bcoin regtest node."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bitcoin.core import CBlock, CMutableTransaction
from bitcoin.core.serialize import VarIntSerializer

from chains.bitcoin.addresses import AddressError
from chains.bitcoin.core import CoreOptions, read_balances
from chains.bitcoin.networks import NETWORKS
from chains.evidence import Bundle, Recorder
from chains.jsonrpc import JsonRpcClient, RetryPolicy
from chains.snapshot import Balances, BalancesResult, Inconclusive, Reason, Snapshot
from tests.support.bcoin import Bcoin, run_bcoin
from tests.support.btc_history import History, make_history
from tests.support.btc_wallet import DemoKey, Faucet, Kind
from tests.support.faults import Intercept, methods, rehashed
from verifier.errors import InputError
from verifier.io.evidence import load_bundle

REGTEST = NETWORKS["regtest"]
NO_WAIT = RetryPolicy(attempts=3, backoff=0)


@pytest.fixture(scope="module")
def history(bcoin: Bcoin, faucet: Faucet) -> History:
    return make_history(bcoin, faucet, "core-history")


def read(
    node: Bcoin | None,
    snap: Snapshot,
    addresses: list[str],
    *,
    recorder: Recorder | None = None,
    bundle: Bundle | None = None,
    inner: httpx.BaseTransport | None = None,
    **options: Any,
) -> BalancesResult:
    url = node.url if node is not None else None
    client = JsonRpcClient.connect(
        url, recorder=recorder, bundle=bundle, inner=inner, retry=NO_WAIT, sleep=lambda _: None
    )
    with client:
        return read_balances(client, snap, addresses, CoreOptions(REGTEST, **options), recorder)


def as_dict(result: BalancesResult) -> dict[str, int]:
    assert isinstance(result, Balances), result
    return {b.address: b.balance for b in result.balances}


def reason(result: BalancesResult) -> Reason:
    assert isinstance(result, Inconclusive), result
    return result.reason


def test_balance_at_the_snapshot_not_the_tip(bcoin: Bcoin, history: History) -> None:
    result = read(bcoin, history.snap, history.addresses, from_height=history.start)
    assert as_dict(result) == history.at_snap
    assert isinstance(result, Balances)
    assert result.total == sum(history.at_snap.values())
    assert result.asset == "BTC"


def test_a_later_snapshot_sees_the_spends(bcoin: Bcoin, history: History) -> None:
    result = read(bcoin, history.later, history.addresses, from_height=history.start)
    assert as_dict(result) == history.at_later


def test_fetching_concurrently_or_not_gives_the_same_answer(bcoin: Bcoin, history: History) -> None:
    one = read(bcoin, history.snap, history.addresses, from_height=0, workers=1, batch_size=7)
    many = read(bcoin, history.snap, history.addresses, from_height=0, workers=8)
    assert as_dict(one) == as_dict(many) == history.at_snap


def test_a_wrong_hash_at_the_height_is_inconclusive(bcoin: Bcoin, history: History) -> None:
    wrong = Snapshot(history.snap.height, history.later.block_hash)
    assert reason(read(bcoin, wrong, history.addresses)) is Reason.REORG


def test_too_few_confirmations_is_inconclusive(bcoin: Bcoin, history: History) -> None:
    tip = bcoin.height()
    snap = Snapshot(tip - 2, bcoin.rpc("getblockhash", tip - 2))
    result = read(bcoin, snap, history.addresses, from_height=history.start)
    assert reason(result) is Reason.NOT_ENOUGH_CONFIRMATIONS
    assert isinstance(result, Inconclusive) and "3 confirmations, 6 needed" in result.message
    relaxed = read(bcoin, snap, history.addresses, from_height=history.start, min_confirmations=3)
    assert as_dict(relaxed) == history.at_later


def test_a_snapshot_above_the_tip_is_inconclusive(bcoin: Bcoin, history: History) -> None:
    ahead = Snapshot(bcoin.height() + 10, "00" * 32)
    assert reason(read(bcoin, ahead, history.addresses)) is Reason.NODE_BEHIND


def test_a_node_of_another_network_is_inconclusive(bcoin: Bcoin, history: History) -> None:
    scripts = [f"raw({k.script_pubkey.hex()})" for k in history.keys]
    with JsonRpcClient.connect(bcoin.url) as client:
        result = read_balances(client, history.snap, scripts, CoreOptions(NETWORKS["testnet"]))
    assert reason(result) is Reason.WRONG_CHAIN
    assert isinstance(result, Inconclusive) and "genesis" in result.message


def test_an_address_of_another_network_is_bad_input(bcoin: Bcoin, history: History) -> None:
    with pytest.raises(AddressError, match="bc1q"):
        read(bcoin, history.snap, ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"])


def test_raw_scripts_read_like_their_addresses(bcoin: Bcoin, history: History) -> None:
    scripts = [f"raw({k.script_pubkey.hex()})" for k in history.keys]
    result = read(bcoin, history.snap, scripts, from_height=history.start)
    assert list(as_dict(result).values()) == list(history.at_snap.values())


class FakeFilters:
    """bcoin has no scanblocks (BIP158 filters): this answers it as Core would, naming
    the blocks the test knows hold the history, and passes every other call to bcoin."""

    def __init__(self, relevant: list[str] | None, start: int = 0, stop: int = 0) -> None:
        self.relevant = relevant
        self.start, self.stop = start, stop
        self.seen: list[str] = []
        self.transport = Intercept(rewrite=self.rewrite)

    def rewrite(self, n: int, body: Any, answer: Any) -> Any:
        self.seen += methods(body)
        if self.relevant is not None and methods(body) == ["scanblocks"]:
            assert body["params"][1] and all(d.startswith("raw(") for d in body["params"][1])
            found = {"from_height": self.start, "to_height": self.stop}
            found["relevant_blocks"] = self.relevant
            return {"jsonrpc": "2.0", "id": body["id"], "result": found, "error": None}
        return answer


def test_scanblocks_fetches_only_the_relevant_blocks(bcoin: Bcoin, history: History) -> None:
    # The two blocks at or below the snapshot that hold the history, as Core would name.
    filters = FakeFilters(history.touched[:2], history.start, history.snap.height)
    result = read(
        bcoin, history.snap, history.addresses, from_height=history.start, inner=filters.transport
    )
    assert as_dict(result) == history.at_snap
    assert filters.seen.count("getblock") == 2
    assert "getblockheader" in filters.seen


def test_without_scanblocks_every_block_in_the_range_is_read(
    bcoin: Bcoin, history: History
) -> None:
    filters = FakeFilters(None)  # bcoin answers scanblocks "method not found"
    start = history.start - 5
    read(bcoin, history.snap, history.addresses, from_height=start, inner=filters.transport)
    assert filters.seen.count("getblock") == history.snap.height - start + 1


def test_scanblocks_naming_a_block_outside_the_range_is_refused(
    bcoin: Bcoin, history: History
) -> None:
    filters = FakeFilters([history.touched[0], "11" * 32], history.start, history.snap.height)
    result = read(
        bcoin, history.snap, history.addresses, from_height=history.start, inner=filters.transport
    )
    assert reason(result) is Reason.MALFORMED_ANSWER


def swap_block(replacement_hex: str) -> Intercept:
    """Answers the first getblock with other bytes, as a lying node would."""

    def rewrite(n: int, body: Any, answer: Any) -> Any:
        if methods(body) == ["getblock"] and not swapped:
            swapped.append(body["params"][0])
            return {**answer, "result": replacement_hex}
        return answer

    swapped: list[str] = []
    return Intercept(rewrite=rewrite)


def test_a_block_that_is_not_the_one_asked_for_is_refused(bcoin: Bcoin, history: History) -> None:
    other = bcoin.rpc("getblock", history.later.block_hash, False)
    result = read(
        bcoin, history.snap, history.addresses, from_height=history.start, inner=swap_block(other)
    )
    assert reason(result) is Reason.MALFORMED_ANSWER
    assert isinstance(result, Inconclusive) and "hashing to" in result.message


def inflate(raw_hex: str) -> str:
    """The block with one more satoshi in its second transaction's first output,
    under the original header (which therefore still hashes to the same id)."""
    raw = bytes.fromhex(raw_hex)
    block = CBlock.deserialize(raw)
    tx = CMutableTransaction.from_tx(block.vtx[1])
    tx.vout[0].nValue += 1
    vtx = [block.vtx[0], tx, *block.vtx[2:]]
    # Serialised by hand: python-bitcoinlib refuses to build a block whose
    # transactions do not match its merkle root, which is the point here.
    body = VarIntSerializer.serialize(len(vtx)) + b"".join(t.serialize() for t in vtx)
    return (raw[:80] + body).hex()


def test_a_block_with_altered_transactions_is_refused(bcoin: Bcoin, history: History) -> None:
    forged = inflate(bcoin.rpc("getblock", history.snap.block_hash, False))
    result = read(
        bcoin,
        history.snap,
        history.addresses,
        from_height=history.snap.height,
        inner=swap_block(forged),
    )
    assert reason(result) is Reason.MALFORMED_ANSWER


def record(bcoin: Bcoin, history: History, path: Path) -> Balances:
    recorder = Recorder()
    result = read(
        bcoin, history.snap, history.addresses, from_height=history.start, recorder=recorder
    )
    assert isinstance(result, Balances)
    recorder.bundle.save(path)
    return result


def test_evidence_replays_offline_to_the_same_balances(
    bcoin: Bcoin, history: History, tmp_path: Path
) -> None:
    path = tmp_path / "evidence.json"
    online = record(bcoin, history, path)
    bundle = load_bundle(path)
    assert any("raw blocks" in n for n in bundle.notes)
    assert "getblock" in {r.method for r in bundle.records}
    pinned = [r for r in bundle.records if r.method == "getblock"]
    assert pinned and all(r.block_hash == history.snap.block_hash for r in pinned)
    assert bcoin.url not in path.read_text()  # the API key stays out of the bundle
    offline = read(None, history.snap, history.addresses, from_height=history.start, bundle=bundle)
    assert offline == online


def test_a_read_the_bundle_never_saw_is_inconclusive(
    bcoin: Bcoin, history: History, tmp_path: Path
) -> None:
    path = tmp_path / "evidence.json"
    record(bcoin, history, path)
    other = read(
        None,
        history.later,
        history.addresses,
        bundle=load_bundle(path),
    )
    assert reason(other) is Reason.NOT_IN_EVIDENCE


def getblock_record(doc: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in doc["records"] if r["method"] == "getblock")


def test_a_tampered_bundle_is_refused(bcoin: Bcoin, history: History, tmp_path: Path) -> None:
    path = tmp_path / "evidence.json"
    record(bcoin, history, path)
    doc = json.loads(path.read_text())
    entry = getblock_record(doc)
    entry["answer"] = entry["answer"].replace('"result":"0', '"result":"1', 1)
    path.write_text(json.dumps(doc))
    # Bundles are read by the one loader of the input layer now: bad input, one line.
    with pytest.raises(InputError, match="does not match its recorded sha256"):
        load_bundle(path)


def test_a_bundle_rewritten_with_fresh_hashes_still_cannot_forge_a_block(
    bcoin: Bcoin, history: History, tmp_path: Path
) -> None:
    path = tmp_path / "evidence.json"
    record(bcoin, history, path)
    bundle = load_bundle(path)
    i, rec = next((i, r) for i, r in enumerate(bundle.records) if r.method == "getblock")
    answer = json.loads(rec.answer)
    answer["result"] = inflate(answer["result"])
    bundle.records[i] = rehashed(rec, json.dumps(answer).encode())
    bundle.save(path)
    offline = read(
        None,
        history.snap,
        history.addresses,
        from_height=history.start,
        bundle=load_bundle(path),
    )
    assert reason(offline) is Reason.MALFORMED_ANSWER


@pytest.fixture
def own_node() -> Iterator[Bcoin]:
    """A node of its own, for tests that reorganise or stop it."""
    with run_bcoin() as node:
        yield node


def overtake(node: Bcoin, blocks: int) -> None:
    """Reorganise `node` the way the network does: a second node mines a longer chain
    from genesis and its blocks are submitted to the first, which switches to it."""
    with run_bcoin() as rival:
        for h in rival.mine(blocks, DemoKey("core-rival", Kind.P2PKH).address):
            node.rpc("submitblock", rival.rpc("getblock", h, False))


def test_a_reorg_after_the_snapshot_is_inconclusive(own_node: Bcoin) -> None:
    miner = DemoKey("core-reorg-miner", Kind.P2PKH)
    hashes = own_node.mine(20, miner.address)
    snap = Snapshot(10, hashes[9])
    before = read(own_node, snap, [miner.address], from_height=0)
    assert as_dict(before) == {miner.address: 10 * 50 * 10**8}  # ten coinbases
    overtake(own_node, 25)
    assert own_node.rpc("getblockhash", 10) != snap.block_hash
    result = read(own_node, snap, [miner.address], from_height=0)
    assert reason(result) is Reason.REORG


def test_a_reorg_during_the_read_is_inconclusive(own_node: Bcoin) -> None:
    miner = DemoKey("core-reorg-miner", Kind.P2WPKH)
    hashes = own_node.mine(20, miner.address)
    snap = Snapshot(10, hashes[9])

    def reorganise(n: int, body: Any) -> None:
        if methods(body) == ["getblock"] and body["params"][0] == hashes[5]:
            overtake(own_node, 25)

    result = read(own_node, snap, [miner.address], inner=Intercept(before=reorganise))
    assert reason(result) is Reason.REORG


def test_a_node_stopped_mid_run_is_inconclusive(own_node: Bcoin) -> None:
    miner = DemoKey("core-stop-miner", Kind.P2WPKH)
    hashes = own_node.mine(20, miner.address)

    def stop_node(n: int, body: Any) -> None:
        if "getblock" in methods(body):
            own_node.stop()

    result = read(
        own_node, Snapshot(10, hashes[9]), [miner.address], inner=Intercept(before=stop_node)
    )
    assert reason(result) is Reason.UNREACHABLE


def drop_last_of_batches(n: int, body: Any, answer: Any) -> Any:
    return answer[:-1] if isinstance(body, list) and len(body) > 1 else answer


def block_not_found(n: int, body: Any, answer: Any) -> Any:
    if methods(body) == ["getblock"]:
        return {"id": body["id"], "result": None, "error": {"code": -5, "message": "not found"}}
    return answer


def time_out_getblock(n: int, body: Any) -> None:
    if methods(body) == ["getblock"]:
        raise httpx.ReadTimeout("injected")


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Intercept(rewrite=drop_last_of_batches), Reason.TRUNCATED_BATCH),
        (Intercept(rewrite=block_not_found), Reason.RPC_ERROR),
        (Intercept(before=time_out_getblock), Reason.TIMEOUT),
    ],
    ids=["truncated-batch", "rpc-error-object", "timeout"],
)
def test_node_faults_are_named_and_give_no_balance(
    bcoin: Bcoin, history: History, fault: Intercept, expected: Reason
) -> None:
    result = read(bcoin, history.snap, history.addresses, from_height=history.start, inner=fault)
    assert reason(result) is expected
