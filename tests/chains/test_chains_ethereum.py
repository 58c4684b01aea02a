"""The Ethereum adapter against a real anvil: balances at the snapshot (not the tip),
every batching path, 1,000 addresses, and snapshots that must not give a balance."""

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from chains.ethereum import EthereumOptions, read_balances
from chains.ethereum.calls import MULTICALL3
from chains.evidence import Recorder
from chains.jsonrpc import JsonRpcClient, RetryPolicy
from chains.snapshot import Balances, Inconclusive, Reason, Snapshot
from tests.support.anvil import Anvil, run_anvil
from tests.support.eth import DEV, Chain, addresses
from tests.support.faults import Intercept, methods

ETH = EthereumOptions(chain_id=31337)
QUICK = RetryPolicy(attempts=2, backoff=0.01)


@dataclass
class World:
    anvil: Anvil
    chain: Chain
    token: str


@pytest.fixture(scope="module")
def world(anvil: Anvil) -> World:
    chain = Chain(anvil.url)
    chain.install_multicall()
    return World(anvil, chain, chain.deploy("DemoToken"))


def values_of(result: object) -> list[int]:
    assert isinstance(result, Balances), result
    return [b.balance for b in result.balances]


def recorded_methods(recorder: Recorder) -> set[str]:
    found = set()
    for r in recorder.bundle.records:
        found |= {c["method"] for c in r.params} if r.method == "batch" else {r.method}
    return found


MODES: list[dict[str, Any]] = [
    {"mode": "auto"},
    {"mode": "batch", "batch_size": 2},
    {"mode": "single"},
    {"proofs": True, "balance_slot": 0},
]


@pytest.mark.parametrize("how", MODES, ids=["multicall", "batch", "single", "proofs"])
def test_balance_at_snapshot_not_tip(world: World, how: dict[str, Any]) -> None:
    chain, token = world.chain, world.token
    holder, payee, late = addresses(3, seed=random.randrange(2**31))
    chain.pay(DEV, holder, 5 * 10**18)
    chain.mint(token, [holder], [700])
    snap = chain.snapshot()  # holder has 5 ETH and 700 tokens here
    chain.pay(holder, payee, 2 * 10**18)
    chain.transfer(token, holder, payee, 300)
    chain.pay(DEV, late, 10**18)
    chain.mine(64)
    assert chain.balance(holder) < 3 * 10**18  # the tip moved on (gas paid too)

    who = [holder, payee, late]
    with JsonRpcClient(world.anvil.url) as client:
        eth = read_balances(client, snap, who, replace(ETH, **how))
        tok = read_balances(client, snap, who, replace(ETH, token=token, **how))
    assert values_of(eth) == [5 * 10**18, 0, 0]
    assert values_of(tok) == [700, 0, 0]
    assert isinstance(tok, Balances) and tok.asset == f"erc20:{token}" and tok.total == 700


def test_one_thousand_addresses(world: World) -> None:
    chain, token = world.chain, world.token
    rng = random.Random(1000)
    who = addresses(1000, seed=1000)
    wei = [rng.randrange(0, 10**24) for _ in who]
    units = [rng.randrange(0, 10**12) for _ in who]
    chain.set_balances(who, wei)
    chain.mint(token, who, units)
    snap = chain.snapshot()
    chain.set_balances(who[:10], [1] * 10)  # moves after the snapshot must not show
    chain.mine(64)

    recorder = Recorder()
    with JsonRpcClient.connect(world.anvil.url, recorder=recorder) as client:
        eth = read_balances(client, snap, who, ETH)
        tok = read_balances(client, snap, who, replace(ETH, token=token, chunk_size=300))
        multicall_trips = client.round_trips
        batched = read_balances(client, snap, who, replace(ETH, mode="batch", batch_size=250))
        proven = read_balances(
            client, snap, who, replace(ETH, token=token, proofs=True, balance_slot=0)
        )
    assert values_of(eth) == wei == values_of(batched)
    assert values_of(tok) == units == values_of(proven)
    assert isinstance(eth, Balances) and eth.total == sum(wei)
    # Two multicall reads of 1,000 addresses: check, pin, read, check again, each.
    assert multicall_trips == 2 * 4


def test_auto_falls_back_to_json_rpc_batches_without_multicall(world: World) -> None:
    who = addresses(5, seed=77)
    world.chain.set_balances(who, [1, 2, 3, 4, 5])
    snap = world.chain.snapshot()
    world.chain.mine(64)
    nowhere = "0x000000000000000000000000000000000000dEaD"
    for multicall, expect in [(nowhere, "eth_getBalance"), (MULTICALL3, "eth_call")]:
        recorder = Recorder()
        with JsonRpcClient.connect(world.anvil.url, recorder=recorder) as client:
            result = read_balances(client, snap, who, replace(ETH, multicall=multicall))
        assert values_of(result) == [1, 2, 3, 4, 5]
        assert expect in recorded_methods(recorder)


def test_forced_multicall_without_code_is_inconclusive(world: World) -> None:
    snap = world.chain.snapshot()
    nowhere = "0x000000000000000000000000000000000000dEaD"
    opts = replace(ETH, multicall=nowhere, mode="multicall", confirmations=1)
    with JsonRpcClient(world.anvil.url) as client:
        result = read_balances(client, snap, addresses(1), opts)
    assert isinstance(result, Inconclusive) and "no multicall" in result.message


def inconclusive(result: object, reason: Reason) -> Inconclusive:
    assert isinstance(result, Inconclusive), result
    assert result.reason is reason, result
    return result


def test_not_enough_confirmations(world: World) -> None:
    snap = world.chain.snapshot()
    world.chain.mine(9)  # 10 confirmations
    with JsonRpcClient(world.anvil.url) as client:
        r = inconclusive(
            read_balances(client, snap, addresses(2), ETH), Reason.NOT_ENOUGH_CONFIRMATIONS
        )
        assert "10 confirmations, 64 required" in r.message
        assert isinstance(
            read_balances(client, snap, addresses(2), replace(ETH, confirmations=10)), Balances
        )


def test_wrong_chain_id(world: World) -> None:
    snap = world.chain.snapshot()
    with JsonRpcClient(world.anvil.url) as client:
        result = read_balances(client, snap, addresses(2), replace(ETH, chain_id=1))
    assert "chain id 31337, expected 1" in inconclusive(result, Reason.WRONG_CHAIN).message


def test_unknown_hash_at_height(world: World) -> None:
    tip = world.chain.snapshot()
    world.chain.mine(64)
    wrong = Snapshot(tip.height, "0x" + "12" * 32)
    with JsonRpcClient(world.anvil.url) as client:
        inconclusive(read_balances(client, wrong, addresses(2), ETH), Reason.REORG)


def test_node_behind_the_snapshot(world: World) -> None:
    tip = world.chain.snapshot()
    ahead = Snapshot(tip.height + 1000, tip.block_hash)
    with JsonRpcClient(world.anvil.url) as client:
        inconclusive(read_balances(client, ahead, addresses(2), ETH), Reason.NODE_BEHIND)


@pytest.fixture
def own_anvil() -> Iterator[Anvil]:
    """A node this test may reorganise or stop."""
    with run_anvil() as node:
        yield node


def test_reorg_after_the_snapshot(own_anvil: Anvil) -> None:
    chain = Chain(own_anvil.url)
    who = addresses(3, seed=5)
    chain.set_balances(who, [10, 20, 30])
    snap = chain.snapshot()
    chain.mine(70)
    with JsonRpcClient(own_anvil.url) as client:
        assert values_of(read_balances(client, snap, who, ETH)) == [10, 20, 30]
        chain.reorg(snap.height)
        result = read_balances(client, snap, who, ETH)
    assert str(snap.height) in inconclusive(result, Reason.REORG).message


@pytest.mark.parametrize("proofs", [False, True])
def test_reorg_during_the_reads(own_anvil: Anvil, proofs: bool) -> None:
    chain = Chain(own_anvil.url)
    who = addresses(40, seed=6)
    chain.set_balances(who, list(range(40)))
    snap = chain.snapshot()
    chain.mine(70)

    def before(n: int, body: Any) -> None:
        if any(m in ("eth_getBalance", "eth_getProof") for m in methods(body)) and n == 6:
            chain.reorg(snap.height - 1)

    opts = replace(ETH, mode="batch", batch_size=5, proofs=proofs)
    with JsonRpcClient(own_anvil.url, transport=Intercept(before=before)) as client:
        inconclusive(read_balances(client, snap, who, opts), Reason.REORG)


def test_node_stopped_mid_run(own_anvil: Anvil) -> None:
    chain = Chain(own_anvil.url)
    who = addresses(50, seed=7)
    chain.set_balances(who, [1] * 50)
    snap = chain.snapshot()
    chain.mine(64)

    def before(n: int, body: Any) -> None:
        if "eth_getBalance" in methods(body) and n > 5:
            own_anvil.stop()

    opts = replace(ETH, mode="batch", batch_size=5)
    transport = Intercept(before=before)
    with JsonRpcClient(own_anvil.url, transport=transport, retry=QUICK) as client:
        result = read_balances(client, snap, who, opts)
    inconclusive(result, Reason.UNREACHABLE)
    assert transport.count > 5  # it did stop in the middle, after some reads had succeeded
