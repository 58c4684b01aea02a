"""`por chain balances --chain evm:NAME` against a real anvil running with a registry
chain id (Base's, 8453): the registry gives the chain id and the default depth."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chains.snapshot import Snapshot
from tests.support.anvil import Anvil, run_anvil
from tests.support.cli import Run
from tests.support.eth import Chain, addresses

BASE_DEPTH = 150  # registry.toml: base's confirmations


@pytest.fixture(scope="module")
def base_node() -> Iterator[Anvil]:
    with run_anvil(chain_id=8453) as node:
        yield node


@pytest.fixture(scope="module")
def funded(base_node: Anvil, tmp_path_factory: pytest.TempPathFactory) -> tuple[Snapshot, Path]:
    chain = Chain(base_node.url)
    who = addresses(2, seed=8453)
    chain.set_balances(who, [7, 10**18])
    snap = chain.snapshot()
    chain.mine(BASE_DEPTH - 2)  # one block short of the registry's depth for Base
    path = tmp_path_factory.mktemp("evm") / "addresses.txt"
    path.write_text("\n".join(who) + "\n")
    return snap, path


def args(node: Anvil, funded: tuple[Snapshot, Path], chain: str) -> list[str]:
    snap, path = funded
    return [
        "chain", "balances", "--chain", chain, "--rpc", node.url,
        "--snapshot", str(snap), "--addresses", str(path),
    ]  # fmt: skip


def test_the_registry_s_depth_applies_then_the_read_passes(
    por: Callable[..., Run], base_node: Anvil, funded: tuple[Snapshot, Path]
) -> None:
    code, out, err = por(*args(base_node, funded, "evm:base"))
    assert (code, out) == (2, "")
    assert err.startswith("por: inconclusive: not-enough-confirmations: ")
    assert f"{BASE_DEPTH - 1} confirmations, {BASE_DEPTH} required" in err
    Chain(base_node.url).mine(1)
    for spelling in ("evm:base", "ethereum:8453"):
        code, out, err = por(*args(base_node, funded, spelling), "--json")
        assert code == 0, err
        doc = json.loads(out)
        assert doc["chain"] == spelling and doc["asset"] == "ETH"
        assert [b["balance"] for b in doc["balances"]] == ["7", str(10**18)]


def test_a_registered_chain_s_native_balance_is_its_own_coin(
    por: Callable[..., Run], funded: tuple[Snapshot, Path]
) -> None:
    with run_anvil(chain_id=56) as bsc:
        chain = Chain(bsc.url)
        who = addresses(1, seed=56)
        chain.set_balances(who, [3 * 10**18])
        snap = chain.snapshot()
        chain.mine(15)  # the registry's depth for BSC
        path = funded[1].parent / "bsc.txt"
        path.write_text(who[0] + "\n")
        code, out, err = por(
            "chain", "balances", "--chain", "evm:bsc", "--rpc", bsc.url,
            "--snapshot", str(snap), "--addresses", str(path), "--json",
        )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["asset"], doc["total"]) == ("BNB", str(3 * 10**18))


def test_a_node_on_another_chain_is_caught(
    por: Callable[..., Run], anvil: Anvil, funded: tuple[Snapshot, Path]
) -> None:
    code, _, err = por(*args(anvil, funded, "evm:base"), "--confirmations", "1")
    assert code == 2
    assert err.startswith(
        "por: inconclusive: wrong-chain: the node is on chain id 31337, expected 8453"
    )


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--chain", "evm:moon"], "--chain: 'moon' is not a registered EVM chain"),
        (["--chain-id", "1"], "--chain-id: 1 is not evm:base's chain id 8453"),
        (["--network", "mainnet"], "--network: --chain evm:base names the chain already"),
        (["--chain", "bitcoin:regtest"], "--chain: Bitcoin is --chain bitcoin --network NAME"),
    ],
)
def test_bad_chain_options_are_one_line(
    por: Callable[..., Run],
    base_node: Anvil,
    funded: tuple[Snapshot, Path],
    extra: list[str],
    says: str,
) -> None:
    code, out, err = por(*args(base_node, funded, "evm:base"), *extra)
    assert (code, out) == (2, "")
    assert err.startswith(f"por: error: {says}") and len(err.splitlines()) == 1
