"""`por reserves check` against real nodes: an anvil on chain id 1 (the chain OKX's and
HTX's `ETH` rows name) and the suite's bcoin regtest. Lists in the exchanges' layouts,
signed with keys the tests make: rows that match, a row one base unit short, rows at
a height not yet confirmed or above the tip, a bad signature, chains not read, a
chain whose node was not named; Bitcoin and Ethereum rows at their own heights.

USDT-ERC20 rows are read from the registry's own USDT entry: the repo's DemoToken
(6 decimals, as USDT) runs at USDT's mainnet address on the anvil (anvil_setCode
with the runtime code of a DemoToken deployed by the dev account, whose minter it
stays), so the shipped address and decimals are the ones exercised."""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from coincurve import PrivateKey

from chains.ethereum.registry import token
from tests.support import reserve_lists as rl
from tests.support.anvil import Anvil, run_anvil
from tests.support.bcoin import Bcoin
from tests.support.btc_wallet import DemoKey, Faucet, Kind
from tests.support.cli import Run
from tests.support.esplora_server import run_esplora
from tests.support.eth import Chain

Por = Callable[..., Run]
OKX_PHRASE = "I am an OKX address"
WEI = 10**18
USDT = token(1, "USDT")
assert USDT is not None
USDT_UNIT = 10**USDT.decimals
KEYS = [PrivateKey(bytes([0x40 + i]) * 32) for i in range(6)]
ADDR = [rl.eth_address(k) for k in KEYS]


@dataclass(frozen=True)
class EvmHistory:
    node: Anvil
    height: int  # the snapshot the rows name, buried under 64 blocks
    tip: int


@pytest.fixture(scope="module")
def evm() -> Iterator[EvmHistory]:
    with run_anvil(chain_id=1) as node:
        chain = Chain(node.url)
        demo = chain.deploy("DemoToken")
        chain.rpc.call(
            "anvil_setCode", [USDT.address, chain.rpc.call("eth_getCode", [demo, "latest"])]
        )
        chain.mint(USDT.address, ADDR[:2], [10 * USDT_UNIT, 5 * USDT_UNIT])
        chain.set_balances(ADDR[:4], [3 * WEI // 2, 2 * WEI, 3 * WEI, 0])
        height = chain.snapshot().height
        # After the snapshot the first address empties and gains a token: a read at
        # the tip would see 0 ETH and 11 USDT.
        chain.set_balances(ADDR[:1], [0])
        chain.mint(USDT.address, ADDR[:1], [USDT_UNIT])
        chain.mine(64)
        yield EvmHistory(node, height, chain.snapshot().height)


def okx_row(i: int, height: int, amount: str, *, signer: int | None = None) -> list[object]:
    sig = rl.sign_okx_eth(KEYS[i if signer is None else signer], OKX_PHRASE)
    return ["ETH", "ETH", height, ADDR[i], amount, OKX_PHRASE, sig, "", "", "", ""]


def run_json(por: Por, tmp_path: Path, path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    out_file = tmp_path / f"{path.stem}.json"
    code, out, err = por(
        "reserves", "check", str(path), "--legacy-message", "--json", str(out_file), *args
    )
    assert err == "", err
    return code, json.loads(out_file.read_text()), out


def by_line(report: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {r["line"]: r for r in report["rows"]}


def test_okx_list_against_anvil(por: Por, evm: EvmHistory, tmp_path: Path) -> None:
    h = evm.height
    signed = [OKX_PHRASE, rl.sign_okx_eth(KEYS[0], OKX_PHRASE), "", "", "", ""]
    sig1 = rl.sign_okx_eth(KEYS[1], OKX_PHRASE)
    bogus = [OKX_PHRASE, "0x" + "11" * 65, "", "", "", ""]
    path = rl.okx_csv(
        tmp_path / "okx.csv",
        [
            okx_row(0, h, "1.5"),  # matches (pinned: the tip says 0)
            okx_row(1, h, "2.000000000000000001"),  # claims one wei more than held
            okx_row(2, h, "3", signer=3),  # held, but signed by another key
            okx_row(3, evm.tip, "0"),  # one confirmation, 64 needed
            okx_row(4, evm.tip + 1000, "0"),  # not mined yet
            ["USDT-TRC20", "TRX", 57801596, "TDToUxX8sH4z6moQpK3ZLAN24eupu2ivA4", "5", *bogus],
            ["ETH-ARBITRUM", "ARBITRUM", 10, ADDR[0], "0.2", *signed],
            ["USDT-ERC20", "ETH", h, ADDR[0], "10", *signed],  # matches (the tip says 11)
            # claims one base unit more than held
            ["USDT-ERC20", "ETH", h, ADDR[1], "5.000001", OKX_PHRASE, sig1, "", "", "", ""],
            ["DAI-ERC20", "ETH", h, ADDR[0], "1", *signed],  # a token the registry lacks
        ],
    )
    code, report, out = run_json(por, tmp_path, path, "--rpc", f"ethereum={evm.node.url}")
    rows = by_line(report)
    first = rl.FIRST_ROW
    match = rows[first]
    assert (match["status"], match["claimed"], match["on_chain"], match["difference"]) == (
        "pass",
        str(3 * WEI // 2),
        str(3 * WEI // 2),
        "0",
    )
    assert match["height"] == h and match["block_hash"].startswith("0x")
    short = rows[first + 1]
    assert (short["balance"], short["difference"]) == ("fail", "-1")
    assert short["ownership"] == "pass"
    forged = rows[first + 2]
    assert (forged["ownership"], forged["balance"], forged["status"]) == ("fail", "pass", "fail")
    unconfirmed = rows[first + 3]
    assert unconfirmed["status"] == "inconclusive"
    assert unconfirmed["balance_reason"].startswith("not-enough-confirmations")
    ahead = rows[first + 4]
    assert ahead["status"] == "inconclusive" and ahead["balance_reason"].startswith("node-behind")
    assert "above the node's tip" in ahead["balance_reason"]
    tron = rows[first + 5]
    assert tron["balance"] == "inconclusive" and tron["chain"] == "tron"
    assert tron["status"] == "fail"  # its signature is no TRON signature
    assert "balances on tron are not read" in tron["balance_reason"]
    arbitrum = rows[first + 6]
    assert arbitrum["balance_reason"] == "no endpoint given for evm:arbitrum"
    usdt = rows[first + 7]
    assert (usdt["status"], usdt["decimals"], usdt["claimed"], usdt["on_chain"]) == (
        "pass",
        6,
        str(10 * USDT_UNIT),
        str(10 * USDT_UNIT),
    )
    assert usdt["block_hash"] == match["block_hash"]
    usdt_short = rows[first + 8]
    assert (usdt_short["balance"], usdt_short["difference"]) == ("fail", "-1")
    assert usdt_short["ownership"] == "pass"
    unknown = rows[first + 9]
    assert (
        unknown["status"] == "inconclusive"
        and "DAI on evm:ethereum is a token the registry does not list" in unknown["balance_reason"]
    )
    assert len(rows) == 10  # every row listed, none dropped
    totals = {t["coin"]: t for t in report["totals"]}
    assert (totals["USDT-ERC20"]["on_chain"], totals["USDT-ERC20"]["difference"]) == (
        str(15 * USDT_UNIT),
        "-1",
    )
    eth = totals["ETH"]
    assert (eth["rows"], eth["rows_read"], eth["on_chain"]) == (5, 3, None)  # two not read
    assert eth["claimed_text"] == "6.500000000000000001"
    assert code == 1 and report["status"] == "fail"
    assert f"line {first}:" in out and "no endpoint given for evm:arbitrum" in out


def test_exit_0_only_when_every_row_is_owned_and_matches(
    por: Por, evm: EvmHistory, tmp_path: Path
) -> None:
    h = evm.height
    path = rl.okx_csv(tmp_path / "good.csv", [okx_row(0, h, "1.5"), okx_row(2, h, "3.0")])
    code, report, out = run_json(por, tmp_path, path, "--rpc", f"ethereum={evm.node.url}")
    assert code == 0 and report["status"] == "pass"
    assert report["totals"] == [
        {
            "coin": "ETH",
            "decimals": 18,
            "rows": 2,
            "rows_read": 2,
            "claimed_text": "4.5",
            "claimed": str(9 * WEI // 2),
            "on_chain": str(9 * WEI // 2),
            "difference": "0",
        }
    ]
    # The same list with no node named reads nothing: inconclusive, never a pass.
    code, out, _ = por("reserves", "check", str(path), "--legacy-message")
    assert code == 2 and out.count("no endpoint given for evm:ethereum") == 2
    # A node on another chain is caught by its chain id.
    with run_anvil() as other:
        code, out, _ = por(
            "reserves", "check", str(path), "--legacy-message", "--rpc", f"ethereum={other.url}"
        )
    assert code == 2 and "wrong-chain" in out


@pytest.fixture(scope="module")
def btc(bcoin: Bcoin, faucet: Faucet) -> tuple[int, int, list[DemoKey]]:
    keys = [DemoKey(f"reserves-{i}", kind) for i, kind in enumerate((Kind.P2WPKH, Kind.P2PKH))]
    keys.append(DemoKey("reserves-unfunded", Kind.P2WPKH))
    start = bcoin.height() + 1
    faucet.pay([(keys[0], 50_000), (keys[1], 70_000)])
    bcoin.mine(1, faucet.key.address)
    height = bcoin.height()
    bcoin.mine(6, faucet.key.address)
    return start, height, keys


def test_htx_list_bitcoin_and_ethereum_rows_at_their_own_heights(
    por: Por, bcoin: Bcoin, btc: tuple[int, int, list[DemoKey]], evm: EvmHistory, tmp_path: Path
) -> None:
    start, height, keys = btc
    headers = ("p2wpkh", "p2pkh", "p2wpkh")
    sig = [rl.sign_btc(k.private, "huobi", h) for k, h in zip(keys, headers, strict=True)]
    path = rl.htx_csv(
        tmp_path / "huobi_por.csv",
        [
            ["BTC", keys[0].address, height, "0.0005", "huobi", sig[0]],
            ["BTC", keys[1].address, height, "0.00070001", "huobi", sig[1]],  # 1 sat short
            ["BTC", keys[2].address, bcoin.height(), "0", "huobi", sig[2]],  # 1 confirmation
            ["ETH", ADDR[2], evm.height, "3", "huobi", rl.sign_htx_eth(KEYS[2], "huobi")],
            ["USDT-SOL", "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin", 1, "1", None, None],
        ],
    )
    code, report, _ = run_json(
        por, tmp_path, path,
        "--btc-rpc", bcoin.url, "--btc-network", "regtest", "--btc-from-height", str(start),
        "--rpc", f"ethereum={evm.node.url}",
    )  # fmt: skip
    rows = by_line(report)
    first = rl.FIRST_ROW
    assert rows[first]["status"] == "pass" and rows[first]["on_chain"] == "50000"
    assert rows[first]["chain"] == "bitcoin:regtest"
    assert rows[first + 1]["difference"] == "-1" and rows[first + 1]["status"] == "fail"
    assert rows[first + 2]["balance_reason"].startswith("not-enough-confirmations")
    eth = rows[first + 3]
    assert (eth["status"], eth["on_chain"]) == ("pass", str(3 * WEI))
    assert "weaker" in eth["ownership_reason"]  # HTX's raw keccak
    sol = rows[first + 4]
    assert sol["ownership"] == "fail" and "not proven" in sol["ownership_reason"]
    assert "balances on solana are not read" in sol["balance_reason"]
    totals = {t["coin"]: t for t in report["totals"]}
    assert totals["BTC"]["claimed"] == "120001" and totals["BTC"]["rows_read"] == 2
    assert code == 1


def test_json_output_is_refused_over_an_existing_file(
    por: Por, evm: EvmHistory, tmp_path: Path
) -> None:
    path = rl.okx_csv(tmp_path / "list.csv", [okx_row(0, evm.height, "1.5")])
    existing = tmp_path / "out.json"
    existing.write_text("keep")
    code, _, err = por("reserves", "check", str(path), "--json", str(existing))
    assert code == 2 and "--force" in err and existing.read_text() == "keep"
    code, _, err = por("reserves", "check", str(path), "--json", str(path), "--force")
    assert code == 2 and path.read_text().startswith(rl.OKX_SUMMARY)


def test_bitcoin_rows_by_esplora_agree_with_raw_blocks(
    por: Por, bcoin: Bcoin, btc: tuple[int, int, list[DemoKey]], tmp_path: Path
) -> None:
    _, height, keys = btc
    rows = [
        ["BTC", keys[0].address, height, "0.0005", "huobi", rl.sign_btc(keys[0].private, "huobi")],
        [
            "BTC",
            keys[2].address,
            height + 1000,
            "0",
            "huobi",
            rl.sign_btc(keys[2].private, "huobi"),
        ],
    ]
    path = rl.htx_csv(tmp_path / "esplora.csv", rows)
    with run_esplora(bcoin, page_size=2) as url:
        code, report, _ = run_json(
            por, tmp_path, path, "--esplora", url, "--btc-network", "regtest"
        )
    found = by_line(report)
    assert found[rl.FIRST_ROW]["status"] == "pass" and found[rl.FIRST_ROW]["on_chain"] == "50000"
    assert found[rl.FIRST_ROW + 1]["balance_reason"].startswith("node-behind")
    assert code == 2
    # one Bitcoin source, never both
    code, _, err = por("reserves", "check", str(path), "--esplora", url, "--btc-rpc", bcoin.url)
    assert code == 2 and "give one Bitcoin source" in err
