"""`por verify --window` on Ethereum against a real anvil: a steady exchange passes, a
borrowed deposit (in three blocks before the snapshot, out three blocks after) fails
window.coverage and window.dressing while the snapshot alone passes, durations are
located by block times, a window not yet buried or a pruned node is inconclusive, and
the evidence replays offline to the same window.

EVERY KEY HERE IS A DEMO KEY derived from public text: never fund its addresses."""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from chains.snapshot import Snapshot
from tests.support.anvil import Anvil, run_anvil
from tests.support.attestations import attestation as template
from tests.support.eth import Chain
from tests.support.verify_run import passes_and_replays, statuses, verify_json
from verifier.audit.assemble import assemble
from verifier.history.model import entry_of
from verifier.io.assets import parse_asset_list
from verifier.io.ledger import Ledger
from verifier.io.outputs import Outputs
from verifier.ownership.message import OwnershipMessage
from verifier.report.model import Report
from verifier.tree.build import TREE_FILES, build_tree

ETH = 10**18
SNAPSHOT_ID = "2026-07-31"
CHAIN = "ethereum:31337"
BLOCK_TIME = 12  # seconds between anvil's blocks here, so that durations mean blocks
DEPTH = "--eth-confirmations=8"


def key(name: str) -> Any:
    """DEMO KEY: public, never fund its address on a real network."""
    return Account.from_key(sha256(f"por-verifier DEMO window key {name}".encode()).digest())


@dataclass(frozen=True)
class Scenario:
    node: Anvil
    folder: Path
    snap: Snapshot

    def verify(self, who: str, *extra: str, rpc: bool = True) -> tuple[int, dict[str, Any], str]:
        node = ["--eth-rpc", self.node.url] if rpc else []
        return verify_json(self.folder / f"{who}.json", *node, DEPTH, *extra)


def _attestation(folder: Path, who: str, snap: Snapshot, root: Any) -> None:
    doc = template(policy="ae-vara")
    del doc["snapshot"]["chains"], doc["liabilities"]["tree"], doc["format"]
    doc["snapshot"]["id"] = SNAPSHOT_ID
    doc["tokens"] = []
    address = key(who).address
    text = OwnershipMessage("demo-exchange", SNAPSHOT_ID, "ethereum", "31337", address).text()
    signed = Account.sign_message(encode_defunct(text=text), key(who).key)
    proof = {"message": text, "signature": "0x" + bytes(signed.signature).hex()}
    doc["wallets"] = [
        {
            "chain": CHAIN,
            "address": address,
            "assets": ["ETH"],
            "role": "cold",
            "ownership_class": "customer",
            "ownership_proof": proof,
        }
    ]
    block = {"chain": CHAIN, "height": snap.height, "block_hash": snap.block_hash[2:]}
    att = assemble(doc, "config", root, "root.json", [block])
    (folder / f"{who}.json").write_text(att.model_dump_json(indent=2))


def _exchange(node: Anvil, folder: Path, snap: Snapshot, holders: list[str]) -> Scenario:
    """Owed 100 ETH; one attestation per holder, each listing that one wallet."""
    (folder / "ledger.csv").write_text("account_id,ETH\nalice,60\nbob,40\n")
    book = Ledger(folder / "ledger.csv", parse_asset_list("ETH:18"))
    with Outputs([book.path], force=False, force_flag="--force") as outputs:
        outputs.add_directory(folder / "tree", "tree", TREE_FILES)
        root = build_tree(book, SNAPSHOT_ID, 8, folder / "tree", b"w" * 32, outputs=outputs).root
    for who in holders:
        _attestation(folder, who, snap, root)
    return Scenario(node, folder, snap)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """Owed: 100 ETH. `steady` holds 100 ETH throughout; `borrower` holds 60 and is lent
    40 three blocks before the snapshot, which it sends back three blocks after."""
    folder = tmp_path_factory.mktemp("window")
    with run_anvil() as node:
        eth = Chain(node.url)
        node.rpc("anvil_setBlockTimestampInterval", BLOCK_TIME)
        lender, borrower = key("lender").address, key("borrower").address
        eth.set_balances([key("steady").address, borrower, lender], [100 * ETH, 60 * ETH, ETH**2])
        eth.mine(20)
        eth.pay(lender, borrower, 40 * ETH)  # three blocks before the snapshot
        eth.mine(3)
        snap = eth.snapshot()
        eth.mine(2)
        eth.pay(borrower, lender, 40 * ETH)  # three blocks after it
        eth.mine(40)
        yield _exchange(node, folder, snap, ["steady", "borrower"])


def test_a_steady_exchange_passes_the_window_and_replays_offline(scenario: Scenario) -> None:
    evidence = scenario.folder / "steady-evidence.json"
    window = ("--window", "10:10", "--samples", "6")
    report = passes_and_replays(partial(scenario.verify, "steady"), evidence, *window)
    found = statuses(report)
    assert found[f"window.blocks.{CHAIN}"] == "pass"
    (line,) = report["window"]["assets"]
    assert (line["minimum"], line["maximum"], line["min_coverage"]) == ("100", "100", "1.000000")
    (chain,) = line["chains"]
    s = scenario.snap.height
    assert (chain["first"], chain["last"], chain["seed_source"]) == (s - 10, s + 10, "last-block")
    heights = [p["height"] for p in chain["points"]]
    assert len(heights) == 8 and heights == sorted(set(heights))  # first, 6 samples, last
    last_hash = scenario.node.rpc("eth_getBlockByNumber", hex(s + 10), False)["hash"]  # type: ignore[index]
    assert chain["seed"] == last_hash[2:]  # nobody could know it at the snapshot


def test_borrowed_funds_fail_the_window_though_the_snapshot_passes(scenario: Scenario) -> None:
    code, report, output = scenario.verify("borrower", "--window", "10:10", "--samples", "6")
    assert code == 1, output
    found = statuses(report)
    assert found["coverage.ETH"] == "pass"  # 100 ETH at the snapshot block itself
    assert (found["window.coverage"], found["window.dressing"]) == ("fail", "fail")
    (line,) = report["window"]["assets"]
    # after it: the 60 ETH of its own, less the gas of sending the 40 back
    assert line["at_snapshot"] == "100" and 59.99 < float(line["minimum"]) < 60
    assert line["min_coverage"] == "0.599999"
    assert line["inflow_before"] == "40"
    assert 40 < float(line["outflow_after"]) < 40.01
    dressing = {c["id"]: c for c in report["checks"]}["window.dressing.ETH"]
    assert "came in before the snapshot" in dressing["reason"]


def test_the_same_seed_draws_the_same_heights_and_says_it_was_given(scenario: Scenario) -> None:
    runs = [scenario.verify("steady", "--window", "10:10", "--samples", "4", "--seed", "0xabcd")
            for _ in range(2)]  # fmt: skip
    chains = [r[1]["window"]["assets"][0]["chains"][0] for r in runs]
    assert chains[0]["points"] == chains[1]["points"]
    assert (chains[0]["seed"], chains[0]["seed_source"]) == ("abcd", "given")


def test_a_duration_is_located_by_block_times(scenario: Scenario) -> None:
    code, report, output = scenario.verify("steady", "--window", "2m:1m", "--samples", "3")
    assert code == 0, output
    chain = report["window"]["assets"][0]["chains"][0]
    s = scenario.snap.height
    assert (chain["first"], chain["last"]) == (s - 120 // BLOCK_TIME, s + 60 // BLOCK_TIME)
    assert report["window"]["spec"] == "2m before, 1m after, 3 samples"


def test_a_window_not_yet_buried_is_inconclusive(scenario: Scenario) -> None:
    code, report, output = scenario.verify("steady", "--window", "10:40")
    assert code == 2, output
    checks = {c["id"]: c for c in report["checks"]}
    blocks = checks[f"window.blocks.{CHAIN}"]
    assert blocks["status"] == "inconclusive"
    assert blocks["reason"].startswith("not-enough-confirmations: the window's last block")
    assert checks["window.coverage"]["status"] == "inconclusive"
    assert checks["window.dressing"]["status"] == "inconclusive"
    assert report["window"]["assets"][0]["min_coverage"] is None


def test_a_pruned_node_that_cannot_serve_a_sample_is_inconclusive(tmp_path: Path) -> None:
    """A node keeping only its last 30 states serves the snapshot but not the window's
    first block: that sample is unknown, so neither window check passes."""
    with run_anvil("--prune-history", "30") as node:
        eth = Chain(node.url)
        eth.set_balances([key("steady").address], [100 * ETH])
        eth.mine(60)
        snap = eth.snapshot()
        eth.mine(12)
        scenario = _exchange(node, tmp_path, snap, ["steady"])
        code, report, output = scenario.verify("steady", "--window", "40:2", "--samples", "2")
    assert code == 2, output
    found = statuses(report)
    assert found[f"window.blocks.{CHAIN}"] == "pass"
    assert found["coverage.ETH"] == "pass"
    assert (found["window.coverage"], found["window.dressing"]) == ("inconclusive",) * 2
    first = report["window"]["assets"][0]["chains"][0]["points"][0]
    assert first["customer_total"] is None


def test_the_history_keeps_the_window_minimum_coverage(scenario: Scenario) -> None:
    _, report, _ = scenario.verify("borrower", "--window", "10:10", "--samples", "2")
    (point,) = entry_of(Report.model_validate(report), "borrower-report.json").assets
    assert (point.coverage, point.window_min_coverage) == ("1.000000", "0.599999")
    _, plain, _ = scenario.verify("borrower")
    assert plain["window"] is None
    assert (
        entry_of(Report.model_validate(plain), "plain.json").assets[0].window_min_coverage is None
    )


def test_the_html_report_charts_holdings_against_liabilities_across_the_window(
    scenario: Scenario,
) -> None:
    page = scenario.folder / "borrower.html"
    code, _, output = scenario.verify(
        "borrower", "--window", "10:10", "--samples", "6", "--html", str(page)
    )
    assert code == 1, output
    assert "Across the window" in output  # the terminal's table
    html = page.read_text()
    section = html[html.index("<h2>Across the window</h2>") : html.index("<h2>Checks</h2>")]
    assert "<td class='num'>0.599999</td>" in section  # the minimum coverage
    assert section.count("<svg") == 1  # one chart per asset
    assert "<!-- ETH across the window (line: liabilities, 100%) -->" in section
    assert "<script" not in html and "http" not in section
    # the chart's points: 8 blocks read and the snapshot, as markers on one line
    chart = section[section.index("<svg") :]
    assert chart.count('id="line2d_') >= 3  # the holdings, the 100% line, the snapshot
