"""`por chain balances --chain bitcoin` against a real bcoin regtest node (raw blocks):
the balance at the snapshot, not the tip, and its offline replay. (The Esplora source
is tested at the adapter level: its test server indexes the whole session chain.)"""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from chains.snapshot import Snapshot
from tests.support.bcoin import Bcoin
from tests.support.btc_wallet import DemoKey, Faucet, Kind, send
from tests.support.cli import Run

Por = Callable[..., Run]


@pytest.fixture(scope="module")
def history(
    bcoin: Bcoin, faucet: Faucet, tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, Snapshot, Path, list[int]]:
    keys = [DemoKey("cli-chain", k) for k in Kind]
    start = bcoin.height() + 1
    coins = faucet.pay([(k, 50_000 + i) for i, k in enumerate(keys)])
    block = bcoin.mine(1, faucet.key.address)[0]
    snap = Snapshot(bcoin.height(), block)
    send(bcoin, coins[:1], [(faucet.key.script_pubkey, 40_000)])  # leaves after the snapshot
    bcoin.mine(6, faucet.key.address)
    path = tmp_path_factory.mktemp("btc") / "addresses.txt"
    path.write_text("\n".join(k.address for k in keys) + "\n")
    return start, snap, path, [50_000 + i for i in range(len(keys))]


History = tuple[int, Snapshot, Path, list[int]]


def args(url: str, history: History, *extra: str) -> list[str]:
    _, snap, path, _ = history
    return [
        "chain", "balances", "--chain", "bitcoin", "--network", "regtest", "--rpc", url,
        "--snapshot", str(snap), "--addresses", str(path), "--json", *extra,
    ]  # fmt: skip


def test_core_raw_blocks_and_offline_replay(
    por: Por, bcoin: Bcoin, history: History, tmp_path: Path
) -> None:
    start, snap, _, expected = history
    bundle = tmp_path / "evidence.json"
    code, out, err = por(
        *args(bcoin.url, history, "--from-height", str(start), "--evidence-out", str(bundle))
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["chain"] == "bitcoin" and doc["asset"] == "BTC"
    assert doc["snapshot"] == {"height": snap.height, "hash": snap.block_hash}
    assert [b["balance"] for b in doc["balances"]] == [str(v) for v in expected]
    assert doc["total"] == str(sum(expected))
    assert any("raw blocks" in n for n in doc["evidence"]["notes"])

    offline = [a for a in args(bcoin.url, history) if a not in ("--rpc", bcoin.url)]
    code, out, _ = por(*offline, "--from-height", str(start), "--offline", str(bundle))
    assert code == 0 and json.loads(out)["balances"] == doc["balances"]


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (
            ["--network", "mainnet"],
            "line 2: mzUmErTRQhE2q87SLxkaKvESPYFCVwZCp8: a regtest/signet/testnet address (version byte 0x6f), not a mainnet address",
        ),
        (["--token", "0x" + "11" * 20], "--token: is for Ethereum only"),
        (["--source", "esplora", "--from-height", "3"], "--from-height: is for --source core"),
    ],
)
def test_bad_bitcoin_input(
    por: Por, bcoin: Bcoin, history: History, extra: list[str], says: str
) -> None:
    code, out, err = por(*args(bcoin.url, history), *extra)
    assert (code, out) == (2, "") and says in err and len(err.splitlines()) == 1


def test_wrong_network_node_is_inconclusive(
    por: Por, bcoin: Bcoin, history: History, tmp_path: Path
) -> None:
    testnet = tmp_path / "t.txt"
    testnet.write_text(f"raw({DemoKey('cli-chain', Kind.P2WPKH).script_pubkey.hex()})\n")
    a = args(bcoin.url, history)
    a[a.index("--addresses") + 1] = str(testnet)
    a[a.index("--network") + 1] = "testnet"
    code, _, err = por(*a)
    assert code == 2 and err.startswith("por: inconclusive: wrong-chain")
