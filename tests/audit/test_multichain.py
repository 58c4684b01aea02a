"""`por verify` over several EVM chains at once, against real anvil nodes started with
the registry's chain ids (Ethereum's 1, Base's 8453, BSC's 56): each chain pinned by
its own snapshot block and read through its own `--rpc CHAIN=URL`, USDC held on
Ethereum and Base (each with its own contract), BSC's native coin counted as BNB, and
the evidence replayed offline.

EVERY KEY HERE IS A DEMO KEY derived from public text: never fund its addresses."""

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from tests.support.anvil import Anvil, run_anvil
from tests.support.attestations import attestation as template
from tests.support.eth import Chain
from tests.tree.helpers import run
from verifier.audit.assemble import assemble
from verifier.io.assets import parse_asset_list
from verifier.io.ledger import Ledger
from verifier.io.outputs import Outputs
from verifier.ownership.message import OwnershipMessage
from verifier.tree.build import TREE_FILES, build_tree

SNAPSHOT_ID = "2026-06-30"
EXCHANGE = "demo-exchange"
ETH = BNB = 10**18
USDC = 10**6
CHAINS = {"evm:ethereum": 1, "evm:base": 8453, "evm:bsc": 56}
NATIVE = {"evm:ethereum": "ETH", "evm:base": "ETH", "evm:bsc": "BNB"}  # as the registry says
# (chain, wallet, role, native coin, USDC or None where the wallet lists none): what each
# wallet holds at the snapshot. The cold key holds on every chain at one address: each
# chain's listing is a wallet of its own.
HOLDINGS: list[tuple[str, str, str, int, int | None]] = [
    ("evm:ethereum", "cold", "cold", 90 * ETH, 600 * USDC),
    ("evm:base", "cold", "cold", 5 * ETH, 400 * USDC),
    ("evm:base", "hot", "hot", 5 * ETH, 20 * USDC),
    ("evm:bsc", "cold", "cold", 50 * BNB, None),
]
# owed: 100 ETH, 1,000 USDC, 50 BNB
LEDGER = "account_id,ETH,USDC,BNB\nalice,60,700,20\nbob,40,300,30\n"


def key(name: str) -> Any:
    """DEMO KEY: public, never fund its address on a real network."""
    return Account.from_key(sha256(f"por-verifier DEMO multichain key {name}".encode()).digest())


WRAPPED = 3 * ETH  # WETH the cold wallet holds on Ethereum, counted only when mapped


@dataclass(frozen=True)
class Exchange:
    nodes: dict[str, Anvil]  # chain -> its node
    tokens: dict[str, str]  # chain -> USDC contract there
    weth: str  # a wrapped ETH token on Ethereum, which the plain attestation leaves out
    folder: Path

    @property
    def attestation(self) -> Path:
        return self.folder / "attestation.json"

    def variant(self, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
        """A copy of the attestation with `change` made to it."""
        doc = json.loads(self.attestation.read_text())
        change(doc)
        path = self.folder / f"{name}.json"
        path.write_text(json.dumps(doc))
        return path

    def rpc(self, *chains: str) -> list[str]:
        """--rpc for each of `chains` (default: every chain)."""
        return [f"--rpc={c}={self.nodes[c].url}" for c in chains or self.nodes]


def _fund(node: Anvil, chain: str) -> tuple[str, str, dict[str, Any]]:
    """Deploy this chain's USDC and a wrapped ETH, fund the wallets (WETH only on
    Ethereum's cold wallet); the two tokens and the pinned block."""
    eth = Chain(node.url)
    if chain == "evm:base":
        eth.deploy("DemoToken")  # a nonce used up: Base's USDC gets an address of its own
    token = eth.deploy("DemoToken")
    weth = eth.deploy("DemoToken")
    mine = [(key(w).address, n, u) for c, w, _, n, u in HOLDINGS if c == chain]
    eth.set_balances([a for a, _, _ in mine], [n for _, n, _ in mine])
    eth.mint(token, [a for a, _, u in mine if u], [u for _, _, u in mine if u])
    if chain == "evm:ethereum":
        eth.mint(weth, [key("cold").address], [WRAPPED])
    snap = eth.snapshot()
    eth.mine(150)  # deep enough for the registry's depth on every chain (64, 150, 15)
    block = {"chain": chain, "height": snap.height, "block_hash": snap.block_hash[2:]}
    return token, weth, block


def _signed(chain: str, name: str, *, spelled: str | None = None) -> dict[str, str]:
    family, _, network = (spelled or chain).partition(":")
    address = key(name).address
    text = OwnershipMessage(EXCHANGE, SNAPSHOT_ID, family, network, address).text()
    signed = Account.sign_message(encode_defunct(text=text), key(name).key)
    return {"message": text, "signature": "0x" + bytes(signed.signature).hex()}


@pytest.fixture(scope="module")
def exchange(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exchange]:
    folder = tmp_path_factory.mktemp("multichain")
    (folder / "ledger.csv").write_text(LEDGER)
    book = Ledger(folder / "ledger.csv", parse_asset_list("ETH:18,USDC:6,BNB:18"))
    with Outputs([book.path], force=False, force_flag="--force") as outputs:
        outputs.add_directory(folder / "tree", "tree", TREE_FILES)
        root = build_tree(book, SNAPSHOT_ID, 8, folder / "tree", b"k" * 32, outputs=outputs).root
    with contextlib.ExitStack() as stack:
        nodes = {c: stack.enter_context(run_anvil(chain_id=i)) for c, i in CHAINS.items()}
        tokens, wrapped, blocks = {}, {}, []
        for chain, node in nodes.items():
            tokens[chain], wrapped[chain], block = _fund(node, chain)
            blocks.append(block)
        doc = template(policy="ae-vara")
        del doc["snapshot"]["chains"], doc["liabilities"]["tree"], doc["format"]
        doc["snapshot"]["id"] = SNAPSHOT_ID
        doc["prices"]["BNB"] = "90000"
        usdc_chains = {c for c, *_, u in HOLDINGS if u is not None}
        doc["tokens"] = [
            {"chain": c, "contract": t, "symbol": "USDC", "decimals": 6}
            for c, t in tokens.items()
            if c in usdc_chains
        ]
        doc["wallets"] = [
            {
                "chain": chain,
                "address": key(name).address,
                "assets": [NATIVE[chain], *(["USDC"] if usdc is not None else [])],
                "role": role,
                "ownership_class": "customer",
                # the hot wallet signed its chain in the old spelling: the same chain
                "ownership_proof": _signed(
                    chain, name, spelled="ethereum:8453" if name == "hot" else None
                ),
            }
            for chain, name, role, _, usdc in HOLDINGS
        ]
        att = assemble(doc, "config", root, "root.json", blocks)
        (folder / "attestation.json").write_text(att.model_dump_json(indent=2))
        yield Exchange(nodes, tokens, wrapped["evm:ethereum"], folder)


def verify(exchange: Exchange, *extra: str) -> tuple[int, dict[str, Any], str]:
    report = exchange.folder / "report.json"
    r = run("verify", str(exchange.attestation), "--json", str(report), "--force", *extra)
    data = json.loads(report.read_text()) if r.exit_code in (0, 1, 2) and report.exists() else {}
    report.unlink(missing_ok=True)
    return r.exit_code, data, r.stdout + r.stderr


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in report["checks"]}


def test_each_chain_is_read_through_its_own_node_and_replays_offline(exchange: Exchange) -> None:
    evidence = exchange.folder / "evidence.json"
    code, report, output = verify(exchange, *exchange.rpc(), "--evidence-out", str(evidence))
    assert code == 0, output
    found = statuses(report)
    for chain in ("evm:ethereum", "evm:base"):
        assert found[f"balances.{chain}.ETH"] == "pass"
        assert found[f"balances.{chain}.USDC"] == "pass"
    assert found["balances.evm:bsc.BNB"] == "pass"  # BSC's native coin, by the registry
    bnb = {c["id"]: c for c in report["checks"]}["balances.evm:bsc.BNB"]
    assert bnb["actual"] == str(50 * BNB)
    assert set(found.values()) == {"pass"}, {k: v for k, v in found.items() if v != "pass"}
    bundle = json.loads(evidence.read_text())
    assert set(CHAINS) <= set(bundle["endpoints"])
    code, replayed, output = verify(exchange, "--offline", str(evidence))
    assert code == 0, output
    assert statuses(replayed) == found


def test_eth_rpc_still_serves_ethereum_beside_an_rpc_for_base(exchange: Exchange) -> None:
    code, report, output = verify(
        exchange,
        "--eth-rpc", exchange.nodes["evm:ethereum"].url,
        "--rpc", f"ethereum:8453={exchange.nodes['evm:base'].url}",
        *exchange.rpc("evm:bsc"),
    )  # fmt: skip
    assert code == 0, output
    assert statuses(report)["balances.evm:ethereum.USDC"] == "pass"


def test_a_chain_without_a_node_is_inconclusive_never_a_pass(exchange: Exchange) -> None:
    code, report, _ = verify(exchange, *exchange.rpc("evm:ethereum", "evm:bsc"))
    assert code == 2 and report["verdict"] == "inconclusive"
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["balances.evm:ethereum.ETH"]["status"] == "pass"
    base = checks["balances.evm:base.USDC"]
    assert (base["status"], base["reason"]) == ("inconclusive", "no node was named for evm:base")


def test_swapped_endpoints_are_caught_by_the_chain_id(exchange: Exchange) -> None:
    code, report, _ = verify(
        exchange,
        "--rpc", f"evm:ethereum={exchange.nodes['evm:base'].url}",
        "--rpc", f"evm:base={exchange.nodes['evm:ethereum'].url}",
        *exchange.rpc("evm:bsc"),
    )  # fmt: skip
    assert code == 2
    reason = {c["id"]: c["reason"] for c in report["checks"]}["balances.evm:base.ETH"]
    assert reason.startswith("wrong-chain: the node is on chain id 1, expected 8453"), reason


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (
            ["--rpc", "evm:optimism=http://127.0.0.1:9"],
            "--rpc: evm:optimism: the attestation pins no block on it",
        ),
        (["--rpc", "evm:base"], "--rpc: 'evm:base' is not CHAIN=URL"),
        (["--rpc", "evm:moon=http://127.0.0.1:9"], "--rpc: 'moon' is not a registered EVM chain"),
        (
            ["--rpc", "bitcoin:regtest=http://127.0.0.1:9"],
            "--rpc: bitcoin:regtest is not an EVM chain",
        ),
        (
            ["--rpc", "evm:base=http://127.0.0.1:9", "--rpc", "ethereum:8453=http://127.0.0.1:9"],
            "--rpc: ethereum:8453 is named twice (evm:base)",
        ),
        (
            ["--rpc", "evm:ethereum=http://127.0.0.1:9", "--eth-rpc", "http://127.0.0.1:9"],
            "--eth-rpc: no EVM chain of the attestation is left for it",
        ),
    ],
)
def test_endpoint_options_that_cannot_apply_are_refused(
    exchange: Exchange, options: list[str], says: str
) -> None:
    r = run("verify", str(exchange.attestation), *options)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"por: error: {says}"), lines


def test_usdc_on_two_chains_is_one_asset_line_with_a_row_per_chain(exchange: Exchange) -> None:
    assert exchange.tokens["evm:ethereum"] != exchange.tokens["evm:base"]
    html = exchange.folder / "report.html"
    code, report, output = verify(exchange, *exchange.rpc(), "--html", str(html))
    assert code == 0, output
    lines = {a["symbol"]: a for a in report["assets"]}
    usdc, eth = lines["USDC"], lines["ETH"]
    assert (usdc["liabilities"], usdc["customer_total"], usdc["coverage"]) == (
        "1000",
        "1020",
        "1.020000",
    )
    rows = {c["chain"]: c for c in usdc["chains"]}
    assert list(rows) == ["evm:ethereum", "evm:base"]
    assert (rows["evm:ethereum"]["customer_cold"], rows["evm:ethereum"]["customer_hot"]) == (
        "600",
        "0",
    )
    assert (rows["evm:base"]["customer_cold"], rows["evm:base"]["customer_hot"]) == ("400", "20")
    assert rows["evm:base"]["held_as"] == [f"token {exchange.tokens['evm:base']}"]
    assert not any(r["mapped"] for r in rows.values())
    assert eth["customer_total"] == "100"  # the unlisted WETH is not counted
    assert [c["held_as"] for c in eth["chains"]] == [["native ETH"], ["native ETH"]]
    bnb = lines["BNB"]  # one chain: no rows of its own in the terminal and HTML tables
    assert (bnb["customer_total"], bnb["coverage"]) == ("50", "1.000000")
    assert [(c["chain"], c["held_as"]) for c in bnb["chains"]] == [("evm:bsc", ["native BNB"])]
    # the terminal and the HTML report show the same rows
    assert "on evm:base" in output and "on evm:ethereum" in output
    page = html.read_text()
    assert page.count("<tr class='part'>") == 4  # ETH and USDC, two chains each


def _map_weth(exchange: Exchange, form: str | None) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        token = {
            "chain": "evm:ethereum",
            "contract": exchange.weth,
            "symbol": "ETH",
            "decimals": 18,
        }
        doc["tokens"].append(token if form is None else {**token, "counts_as_native": form})

    return change


def test_a_wrapped_token_counts_as_the_native_asset_only_when_mapped(exchange: Exchange) -> None:
    mapped = exchange.variant("mapped", _map_weth(exchange, "wrapped"))
    report_path = exchange.folder / "mapped-report.json"
    r = run("verify", str(mapped), *exchange.rpc(), "--json", str(report_path), "--force")
    assert r.exit_code == 0, r.output
    report = json.loads(report_path.read_text())
    checks = {c["id"]: c for c in report["checks"]}
    native, wrapped = checks["balances.evm:ethereum.ETH"], checks["balances.evm:ethereum.ETH.token"]
    assert (native["status"], native["actual"]) == ("pass", str(90 * ETH))
    assert (wrapped["status"], wrapped["actual"]) == ("pass", str(WRAPPED))
    assert (
        "wrapped token, counted as ETH because the attestation maps it explicitly"
        in wrapped["reason"]
    )
    eth = next(a for a in report["assets"] if a["symbol"] == "ETH")
    assert eth["customer_total"] == "103"  # 90 + 3 wrapped on Ethereum, 10 on Base
    on_ethereum = eth["chains"][0]
    assert on_ethereum["mapped"] and on_ethereum["customer_cold"] == "93"
    assert on_ethereum["held_as"][0] == "native ETH"
    assert on_ethereum["held_as"][1].startswith(f"wrapped token {exchange.weth}, counted as ETH")
    assert any(exchange.weth in s and "maps it" in s for s in report["scope"])
    assert "wrapped token" in r.stdout  # the terminal's row for the chain says so

    unmapped = exchange.variant("unmapped", _map_weth(exchange, None))
    r = run("verify", str(unmapped), *exchange.rpc())
    assert r.exit_code == 2
    assert r.stderr.strip() == (
        f"por: error: {unmapped}: tokens[2].symbol: 'ETH' is a native asset: a token counts "
        'as it only when counts_as_native says "wrapped" or "bridged"'
    )


def test_a_registry_name_alone_names_its_chain(exchange: Exchange) -> None:
    """--rpc ethereum=URL is evm:ethereum, as an auditor would write it."""
    named = [f"--rpc={c.removeprefix('evm:')}={n.url}" for c, n in exchange.nodes.items()]
    code, report, output = verify(exchange, *named)
    assert code == 0, output
    assert statuses(report)["balances.evm:bsc.BNB"] == "pass"
