"""What a plan is made from: the demo's real report, and every way the inputs can fail
to be a ledger that reproduces the tree and a report of that tree (exit 1), or not be
inputs at all (exit 2, one line); no plan is written then."""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.administer.conftest import DEMO, check, make_tree, plan, plan_rows, report_for
from verifier.tree.store import Accounts

ROWS = [("a", [5, 0, 0]), ("b", [5, 0, 0]), ("c", [5, 0, 0])]


def test_the_demo_short_of_usdc_is_planned_from_its_real_report(
    tmp_path: Path, demo_report: dict[str, Any]
) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps(demo_report))
    out = tmp_path / "plan"
    r = plan(DEMO, DEMO / "ledger.csv", report, out)
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text())
    ratios = {a["symbol"]: a["ratio"] for a in summary["assets"]}
    # 40,000 USDC held hot of 1,353,557.325478 owed; BTC and ETH are covered
    assert ratios["BTC"] == ratios["ETH"] == "1"
    assert ratios["USDC"].startswith("0.0295") and ratios["USDC"].endswith("...")
    usdc = summary["assets"][2]
    assert usdc["distributable"] == usdc["paid_in_kind"] == "40000000000"
    # the JPY 2.9bn reserve makes up the whole shortfall, valued at JPY 150
    assert summary["reserve"]["unmet"] == "0"
    assert summary["reserve"]["used"] == usdc["fiat_topup"] == usdc["shortfall_value"]
    assert int(usdc["shortfall_value"]) <= 197033598  # the report's shortfall value, rounded down
    checked = check(DEMO, DEMO / "ledger.csv", report, out)
    assert checked.exit_code == 0, checked.output


@pytest.fixture
def three(tmp_path: Path, demo_report: dict[str, Any]) -> tuple[Path, Path, Path]:
    ledger = make_tree(tmp_path, ROWS)
    report = tmp_path / "report.json"
    # BTC short by two units (13 of 15 held): the units and the reserve go by leaf order
    document = report_for(
        demo_report, tmp_path / "tree", [(13, 0), (0, 0), (0, 0)], ["1", "1", "1"], None
    )
    report.write_text(json.dumps(document))
    return tmp_path, ledger, report


def by_leaf(work: Path, out: Path) -> list[tuple[str, str, str]]:
    """(paid in kind, top-up) of BTC per account, in leaf order of the liability tree."""
    root = json.loads((work / "tree" / "root.json").read_text())
    assert root["account_count"] == 3
    order = {a: leaf for a, leaf, _ in Accounts(work / "tree" / "accounts.sqlite").all()}
    rows = [r for r in plan_rows(out / "plan.csv") if r["asset"] == "BTC"]
    return sorted((str(order[r["account_id"]]), r["paid_in_kind"], r["fiat_topup"]) for r in rows)


@pytest.mark.parametrize("rule", ["pro-rata", "smallest-first"])
def test_equal_claims_are_settled_in_leaf_order(
    three: tuple[Path, Path, Path], demo_report: dict[str, Any], rule: str
) -> None:
    work, ledger, report = three
    # three equal claims of 5 satoshi, 13 held: 4 1/3 each, the one unit left to leaf 0
    r = plan(work, ledger, report, work / "kind")
    assert r.exit_code == 0, r.output
    assert [(p, t) for _, p, t in by_leaf(work, work / "kind")] == [
        ("5", "0"),
        ("4", "0"),
        ("4", "0"),
    ]
    # BTC at JPY 10^8 per coin: each short satoshi is worth JPY 1; a JPY 1 reserve
    # makes up one of the two equal shortfalls: the one of the smaller leaf index
    document = json.loads(report.read_text())
    document["assets"][0]["price"] = "100000000"
    document["reserves"][0]["available"] = "1.9"
    report.write_text(json.dumps(document))
    r = plan(work, ledger, report, work / rule, "--reserve-use", rule)
    assert r.exit_code == 0, r.output
    assert [(p, t) for _, p, t in by_leaf(work, work / rule)] == [
        ("5", "0"),
        ("4", "1"),
        ("4", "0"),
    ]


def refused(r: Any, code: int, *words: str) -> None:
    assert r.exit_code == code, r.output
    if code == 2:
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in r.output, r.stderr
        for word in words:
            assert word in lines[0], lines[0]
    else:
        for word in words:
            assert word in r.stdout, r.stdout


def test_a_ledger_that_does_not_reproduce_the_tree_makes_no_plan(
    three: tuple[Path, Path, Path],
) -> None:
    work, ledger, report = three
    ledger.write_text(ledger.read_text().replace("a,0.00000005", "a,0.00000006"))
    refused(plan(work, ledger, report, work / "plan"), 1, "fail", "root-commitment")
    assert not (work / "plan").exists()


def test_a_report_of_another_tree_makes_no_plan(
    three: tuple[Path, Path, Path], demo_report: dict[str, Any]
) -> None:
    work, ledger, _ = three
    other = work / "demo-report.json"
    other.write_text(json.dumps(demo_report))
    refused(
        plan(work, ledger, other, work / "plan"), 1, "report-of-tree: the report is of another tree"
    )
    assert not (work / "plan").exists()
    document = json.loads((work / "report.json").read_text())
    document["assets"][0]["liabilities"] = "0.00000016"
    other.write_text(json.dumps(document))
    refused(
        plan(work, ledger, other, work / "plan"), 1, "states other BTC liabilities than the tree"
    )


def test_bad_inputs_are_one_line_and_exit_2(three: tuple[Path, Path, Path]) -> None:
    work, ledger, report = three
    document = json.loads(report.read_text())
    bad = work / "bad.json"
    bad.write_text("[]")
    refused(plan(work, ledger, bad, work / "plan"), 2, str(bad))
    refused(
        plan(work, ledger, report, work / "plan", "--reserve-use", "biggest-first"),
        2,
        "--reserve-use",
    )
    document["assets"][0]["price"] = None
    bad.write_text(json.dumps(document))
    refused(plan(work, ledger, bad, work / "plan"), 2, "assets[0].price", "no price for BTC")
    document["assets"][0]["price"] = "1"
    document["reporting_currency"] = "BTC"
    bad.write_text(json.dumps(document))
    refused(plan(work, ledger, bad, work / "plan"), 2, "reporting_currency", "also an asset")
    document["reporting_currency"] = "JPY"
    document["assets"][0]["customer_cold"] = "0.000000001"
    bad.write_text(json.dumps(document))
    refused(
        plan(work, ledger, bad, work / "plan"), 2, "assets[0].customer_cold", "more than 8 decimals"
    )
    assert not (work / "plan").exists()


def test_an_existing_plan_is_replaced_only_with_force_and_an_input_never(
    three: tuple[Path, Path, Path],
) -> None:
    work, ledger, report = three
    assert plan(work, ledger, report, work / "plan").exit_code == 0
    refused(plan(work, ledger, report, work / "plan"), 2, "already holds", "--force")
    assert plan(work, ledger, report, work / "plan", "--force").exit_code == 0
    # PLAN_DIR = the directory holding the liability tree: PLAN_DIR/tree is that tree
    refused(plan(work, ledger, report, work, "--force"), 2, "an input of this run")
    assert json.loads((work / "tree" / "root.json").read_text())["account_count"] == 3
