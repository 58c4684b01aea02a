"""`por chain balances` end to end against a real anvil: output, evidence replay,
exit codes and one-line errors."""

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chains.snapshot import Snapshot
from tests.support.anvil import Anvil, run_anvil
from tests.support.cli import Run
from tests.support.eth import Chain, addresses
from tests.support.faults import lying_proxy, methods


@pytest.fixture(scope="module")
def setup(anvil: Anvil, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Snapshot, Path]:
    chain = Chain(anvil.url)
    chain.install_multicall()
    token = chain.deploy("DemoToken")
    who = addresses(4, seed=88)
    chain.set_balances(who, [10**18, 0, 12345, 10**25])
    chain.mint(token, who, [5, 6, 7, 8])
    snap = chain.snapshot()
    chain.set_balances(who, [1, 1, 1, 1])  # after the snapshot: must not show
    chain.mine(64)
    path = tmp_path_factory.mktemp("cli") / "addresses.txt"
    path.write_text("# cold wallets\n" + "\n".join(a.lower() for a in who) + "\n\n")
    return token, snap, path


Setup = tuple[str, Snapshot, Path]


def base(anvil: Anvil, setup: Setup) -> list[str]:
    _, snap, path = setup
    return [
        "chain", "balances", "--chain", "ethereum", "--rpc", anvil.url,
        "--snapshot", str(snap), "--addresses", str(path), "--chain-id", "31337",
    ]  # fmt: skip


def test_json_output(por: Callable[..., Run], anvil: Anvil, setup: Setup) -> None:
    code, out, _ = por(*base(anvil, setup), "--json")
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["chain", "snapshot", "asset", "balances", "total", "evidence"]
    _, snap, _ = setup
    assert doc["chain"] == "ethereum" and doc["asset"] == "ETH"
    assert doc["snapshot"] == {"height": snap.height, "hash": snap.block_hash}
    assert [b["balance"] for b in doc["balances"]] == [
        "1000000000000000000",
        "0",
        "12345",
        str(10**25),
    ]
    assert doc["balances"][0]["address"] == addresses(1, seed=88)[0]  # checksummed
    assert doc["total"] == str(10**18 + 12345 + 10**25)
    assert doc["evidence"]["mode"] == "online" and doc["evidence"]["records"] > 0


def test_text_output_and_token(por: Callable[..., Run], anvil: Anvil, setup: Setup) -> None:
    token = setup[0]
    code, out, _ = por(*base(anvil, setup), "--token", token.lower())
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[-1] for line in lines[:4]] == ["5", "6", "7", "8"]
    assert lines[4].split()[:2] == ["total", "26"] and f"erc20:{token}" in lines[4]


def test_proofs_and_offline_replay(
    por: Callable[..., Run], anvil: Anvil, setup: Setup, tmp_path: Path
) -> None:
    token = setup[0]
    bundle = tmp_path / "evidence.json"
    args = ["--token", token, "--proofs", "--balance-slot", "0", "--json"]
    code, out, _ = por(*base(anvil, setup), *args, "--evidence-out", str(bundle))
    assert code == 0
    online = json.loads(out)
    assert online["evidence"]["proofs"] is True
    assert online["evidence"]["file"] == str(bundle)

    offline_args = [a for a in base(anvil, setup) if a not in ("--rpc", anvil.url)]
    code, out, _ = por(*offline_args, *args, "--offline", str(bundle))
    assert code == 0
    replayed = json.loads(out)
    assert replayed["balances"] == online["balances"] and replayed["total"] == online["total"]
    assert replayed["evidence"]["mode"] == "offline"
    assert replayed["evidence"]["sha256"] == online["evidence"]["sha256"]

    doc = json.loads(bundle.read_text())
    doc["records"][-1]["answer"] = doc["records"][-1]["answer"].replace("1", "2", 1)
    bundle.write_text(json.dumps(doc))
    code, out, err = por(*offline_args, *args, "--offline", str(bundle))
    assert code == 2 and out == ""
    assert "does not match its recorded sha256" in err and len(err.splitlines()) == 1


def test_inconclusive_exits_2_with_the_reason(
    por: Callable[..., Run], anvil: Anvil, setup: Setup
) -> None:
    args = [a if a != "31337" else "1" for a in base(anvil, setup)]
    code, out, err = por(*args, "--json")
    assert (code, out) == (2, "")
    assert err.startswith("por: inconclusive: wrong-chain: the node is on chain id 31337")


def test_cross_check_against_another_node(
    por: Callable[..., Run], anvil: Anvil, setup: Setup
) -> None:
    code, _, _ = por(*base(anvil, setup), "--cross-check", anvil.url)
    assert code == 0
    with run_anvil() as other:
        Chain(other.url).mine(setup[1].height + 100)  # as high, but another history
        code, _, err = por(*base(anvil, setup), "--cross-check", other.url)
    assert code == 2 and "inconclusive: reorg: cross-check endpoint" in err


def test_cross_check_disagreement_fails_with_exit_1(
    por: Callable[..., Run], anvil: Anvil, setup: Setup
) -> None:
    def lie(n: int, body: Any, answer: Any) -> Any:
        if "eth_call" in methods(body):  # the multicall's answer: one balance changed
            answer = copy.deepcopy(answer)
            answer[0]["result"] = answer[0]["result"][:-1] + "f"
        return answer

    with lying_proxy(anvil.url, lie) as liar:
        code, out, err = por(*base(anvil, setup), "--cross-check", liar, "--json")
    assert (code, out) == (1, ""), err
    assert err.startswith("por: fail: cross-check-mismatch: ")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (["--snapshot", "12:zz"], "--snapshot: 'zz' is not a 32-byte hex block hash"),
        (["--chain-id", "31337", "--network", "mainnet"], "--chain-id: 31337 is not mainnet"),
        (["--network", "moonnet"], "--network: unknown Ethereum network 'moonnet'"),
        (["--proofs", "--token", "0x" + "11" * 20], "--balance-slot: --proofs with --token"),
        (["--token", "0x123"], "--token: '0x123' is not a hex address"),
        (["--from-height", "5"], "--from-height: is for Bitcoin only"),
        (["--chain", "bitcoin"], "--chain-id: is for Ethereum only"),
        # One loader, one wording for a missing file, named by its path.
        (["--offline", "/nonexistent/b.json"], "/nonexistent/b.json: no such file"),
    ],
)
def test_bad_options(
    por: Callable[..., Run], anvil: Anvil, setup: Setup, change: list[str], says: str
) -> None:
    code, out, err = por(*base(anvil, setup), *change)
    assert (code, out) == (2, "")
    assert err.startswith(f"por: error: {says}") and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        (["0x" + "ab" * 20, "nonsense"], "line 2: 'nonsense' is not a 0x-prefixed hex address"),
        (
            ["0xA0000000580000000000000000000000000000Aa"],
            "line 1: 0xA0000000580000000000000000000000000000Aa fails its EIP-55 checksum",
        ),
        (["0x" + "ab" * 20, "", "0x" + "AB" * 20], "is already listed on line 1"),
        (["# nothing"], "no addresses in the file"),
    ],
)
def test_bad_address_files(
    por: Callable[..., Run], anvil: Anvil, setup: Setup, tmp_path: Path, lines: list[str], says: str
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("\n".join(lines))
    args = base(anvil, setup)
    args[args.index("--addresses") + 1] = str(path)
    code, _, err = por(*args)
    assert code == 2 and err.startswith(f"por: error: {path}: ") and says in err
    assert len(err.splitlines()) == 1
