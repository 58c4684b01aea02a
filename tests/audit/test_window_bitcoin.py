"""`por verify --window` on Bitcoin against a real bcoin regtest node: every sample
from one pass over the raw blocks, a borrowed deposit (three blocks before the
snapshot, sent away three blocks after) failing window.coverage and window.dressing,
a steady wallet passing, a window not yet buried inconclusive, and the evidence
replaying offline to the same window.

DEMO KEYS ONLY (tests/support/btc_wallet.py): never fund their addresses."""

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from chains.snapshot import Snapshot
from tests.support.attestations import attestation as template
from tests.support.bcoin import Bcoin
from tests.support.btc_wallet import FEE, DemoKey, Faucet, Kind, send
from tests.support.btcsign import encode, sign_p2wpkh
from tests.support.verify_run import passes_and_replays, statuses, verify_json
from verifier.audit.assemble import assemble
from verifier.io.assets import parse_asset_list
from verifier.io.ledger import Ledger
from verifier.io.outputs import Outputs
from verifier.ownership.message import OwnershipMessage
from verifier.tree.build import TREE_FILES, build_tree

BTC = 10**8
SNAPSHOT_ID = "2026-08-31"
CHAIN = "bitcoin:regtest"


def key(name: str) -> DemoKey:
    return DemoKey(f"window {name}", Kind.P2WPKH)


@dataclass(frozen=True)
class Scenario:
    node: Bcoin
    folder: Path
    snap: Snapshot
    first_use: int

    def verify(self, who: str, *extra: str, rpc: bool = True) -> tuple[int, dict[str, Any], str]:
        node = ["--btc-rpc", self.node.url] if rpc else []
        return verify_json(self.folder / f"{who}.json", *node, *extra)


def _attestations(folder: Path, snap: Snapshot, first_use: int) -> None:
    """Owed 1 BTC; one attestation per wallet, each listing that wallet alone."""
    (folder / "ledger.csv").write_text("account_id,BTC\nalice,0.6\nbob,0.4\n")
    book = Ledger(folder / "ledger.csv", parse_asset_list("BTC:8"))
    with Outputs([book.path], force=False, force_flag="--force") as outputs:
        outputs.add_directory(folder / "tree", "tree", TREE_FILES)
        root = build_tree(book, SNAPSHOT_ID, 8, folder / "tree", b"b" * 32, outputs=outputs).root
    for who in ("steady", "borrower"):
        doc = template(policy="ae-vara")
        del doc["snapshot"]["chains"], doc["liabilities"]["tree"], doc["format"]
        doc["snapshot"]["id"] = SNAPSHOT_ID
        doc["tokens"] = []
        k = key(who)
        text = OwnershipMessage("demo-exchange", SNAPSHOT_ID, "bitcoin", "regtest", k.address)
        msg = text.text()
        doc["wallets"] = [
            {
                "chain": CHAIN,
                "address": k.address,
                "assets": ["BTC"],
                "role": "cold",
                "ownership_class": "customer",
                "first_use_height": first_use,
                "ownership_proof": {
                    "message": msg,
                    "signature": encode(sign_p2wpkh(k.private, k.script_pubkey, msg), ""),
                },
            }
        ]
        block = {"chain": CHAIN, "height": snap.height, "block_hash": snap.block_hash}
        att = assemble(doc, "config", root, "root.json", [block])
        (folder / f"{who}.json").write_text(att.model_dump_json(indent=2))


@pytest.fixture(scope="module")
def scenario(bcoin: Bcoin, faucet: Faucet, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """`steady` holds 1 BTC throughout; `borrower` holds 0.6 and is paid 0.4 three
    blocks before the snapshot, which it sends away three blocks after."""
    first_use = bcoin.height() + 1
    faucet.pay([(key("steady"), BTC), (key("borrower"), 6 * BTC // 10)])
    bcoin.mine(8, faucet.key.address)
    (lent,) = faucet.pay([(key("borrower"), 4 * BTC // 10)])
    bcoin.mine(4, faucet.key.address)  # the deposit's block, then three more
    snap = Snapshot(bcoin.height(), bcoin.rpc("getblockhash", bcoin.height()))
    bcoin.mine(2, faucet.key.address)
    send(bcoin, [lent], [(faucet.key.script_pubkey, lent.value - FEE)])
    bcoin.mine(20, faucet.key.address)  # the send's block, then the window and its depth
    folder = tmp_path_factory.mktemp("btc-window")
    _attestations(folder, snap, first_use)
    return Scenario(bcoin, folder, snap, first_use)


def test_a_steady_wallet_passes_from_one_pass_that_replays_offline(scenario: Scenario) -> None:
    evidence = scenario.folder / "evidence.json"
    window = ("--window", "10:10", "--samples", "6")
    report = passes_and_replays(partial(scenario.verify, "steady"), evidence, *window)
    (line,) = report["window"]["assets"]
    assert (line["minimum"], line["median"], line["maximum"]) == ("1", "1", "1")
    (chain,) = line["chains"]
    s = scenario.snap.height
    assert (chain["first"], chain["last"]) == (s - 10, s + 10)
    assert len(chain["points"]) == 8
    # Blocks fetched: the snapshot's read (first use .. snapshot) and the window's one
    # pass (first use .. the window's last block), none again per sample.
    fetched = [r for r in json.loads(evidence.read_text())["records"] if r["method"] == "getblock"]
    assert len(fetched) == (s - scenario.first_use + 1) + (s + 10 - scenario.first_use + 1)


def test_a_borrowed_deposit_fails_the_window_though_the_snapshot_passes(
    scenario: Scenario,
) -> None:
    code, report, output = scenario.verify("borrower", "--window", "10:10", "--samples", "6")
    assert code == 1, output
    found = statuses(report)
    assert found["coverage.BTC"] == "pass"
    assert (found["window.coverage"], found["window.dressing"]) == ("fail", "fail")
    (line,) = report["window"]["assets"]
    assert (line["at_snapshot"], line["minimum"], line["min_coverage"]) == ("1", "0.6", "0.600000")
    assert (line["inflow_before"], line["outflow_after"]) == ("0.4", "0.4")


def test_a_bitcoin_window_not_yet_buried_is_inconclusive(scenario: Scenario) -> None:
    code, report, output = scenario.verify("steady", "--window", "10:18")
    assert code == 2, output
    blocks = {c["id"]: c for c in report["checks"]}[f"window.blocks.{CHAIN}"]
    assert blocks["status"] == "inconclusive"
    assert "confirmations, 6 needed" in blocks["reason"]
    assert statuses(report)["window.coverage"] == "inconclusive"
