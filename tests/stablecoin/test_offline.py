"""`por verify` on the demo stablecoin, replayed offline from its evidence bundles: the
passing attestation passes, the short one fails on coverage naming the bond it left
out, every one-field change to the attestation fails for its own reason, and a chain
the bundle cannot answer for is inconclusive, never a pass.

What nothing can bind is left out of the changes, and the report lists it as not
checked: the issuer's display name, a custodian's name, and a reserve amount raised
(the reserves are the issuer's declaration; one lowered fails coverage, below)."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.audit.test_run import flip
from tests.stablecoin.helpers import DEMO, copy_demo, statuses, verify
from tests.tree.helpers import run

Change = Callable[[dict[str, Any]], None]


def replay(tmp_path: Path, change: Change | None = None, sub: str = "", *extra: str):  # type: ignore[no-untyped-def]
    att, ev, doc = copy_demo(tmp_path, sub)
    if change is not None:
        change(doc)
        att.write_text(json.dumps(doc))
    return verify(att, tmp_path, "--offline", str(ev), *extra)


def test_the_demo_passes_offline(tmp_path: Path) -> None:
    code, report, output = replay(tmp_path)
    assert code == 0, output
    assert report["format"] == "por-stablecoin-report-v1" and report["verdict"] == "pass"
    # 705m minted on 31337 less 100m treasury and 5m burned, 450m on 31338 less 50m
    assert [(s["chain"], s["outstanding"]) for s in report["supply"]] == [
        ("ethereum:31337", "600000000"),
        ("ethereum:31338", "400000000"),
    ]
    assert report["outstanding"] == "1000000000" and report["eligible"] == "1010000000"
    assert report["coverage"] == "1.010000"
    assert all(r["eligible"] for r in report["reserves"])
    assert any("confirmed with the banks" in n for n in report["not_checked"])


def test_the_short_demo_fails_on_coverage_naming_the_long_bond(tmp_path: Path) -> None:
    code, report, output = replay(tmp_path, sub="short")
    assert code == 1, output
    failed = [k for k, v in statuses(report).items() if v == "fail"]
    assert failed == ["policy.jp-epi", "reserves.coverage"]
    bond = report["reserves"][1]
    assert (bond["eligible"], bond["days_to_maturity"]) == (False, 120)
    assert bond["reason"] == "120 days to maturity at the snapshot, more than 92"
    coverage = next(c for c in report["checks"] if c["id"] == "reserves.coverage")
    assert coverage["evidence"]["excluded"][0]["reserve"] == 1
    assert coverage["reason"] == "710000000 JPY is not >= 1000000000 JPY"


def _set(path: str, value: Any) -> Change:
    """Set the field at a dotted path ("reserves.0.amount") to `value`."""

    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[int(last) if last.isdigit() else last] = value

    return change


def _flip_signature(doc: dict[str, Any]) -> None:
    proof = doc["treasuries"][1]["ownership_proof"]
    proof["signature"] = flip(proof["signature"], 12)


# (field changed, how, exit code, the check that must not pass, words of its reason)
TAMPERINGS: list[tuple[str, Change, int, str, str]] = [
    ("issuer.id", _set("issuer.id", "other-issuer"), 1, "ownership.ethereum:31337", "exchange"),
    ("snapshot.id", _set("snapshot.id", "2026-04-30"), 1, "ownership.ethereum:31338", "snapshot"),
    (
        "snapshot.chains.0.block_hash",
        _set("snapshot.chains.0.block_hash", "ab" * 32),
        2,
        "supply.ethereum:31337",
        "reorg: block",  # the recorded block at that height has another hash
    ),
    (
        "snapshot.chains.1.height",
        lambda d: d["snapshot"]["chains"][1].update(
            height=d["snapshot"]["chains"][1]["height"] + 1
        ),
        2,
        "supply.ethereum:31338",
        "not-in-evidence",
    ),
    (
        "token.deployments.0.contract",
        _set("token.deployments.0.contract", "0x" + "77" * 20),
        2,
        "supply.ethereum:31337",
        "not-in-evidence",
    ),
    (
        "token.deployments.1.decimals",
        _set("token.deployments.1.decimals", 18),
        1,
        "supply.ethereum:31338",
        "decimals() is 6",
    ),
    (
        "token.symbol",
        _set("token.symbol", "JPYC"),
        1,
        "supply.ethereum:31337",
        "symbol() is DEMO at the snapshot, the attestation says JPYC",
    ),
    (
        "token.peg_currency",
        _set("token.peg_currency", "USD"),
        1,
        "reserves.coverage",
        "0 USD is not >=",
    ),
    ("treasuries.1.ownership_proof.signature", _flip_signature, 1, "ownership.ethereum:31338", ""),
    (
        "treasuries.0.address",
        _set("treasuries.0.address", "0x" + "66" * 20),
        1,
        "ownership.ethereum:31337.0x" + "66" * 20,
        "",
    ),
    ("issuer_type", _set("issuer_type", "funds-transfer"), 1, "reserves.coverage", "is not >="),
    (
        "reserves.0.amount",
        _set("reserves.0.amount", "549999999"),
        1,
        "reserves.coverage",
        "999999999 JPY is not >=",
    ),
    ("reserves.0.type", _set("reserves.0.type", "cash"), 1, "reserves.coverage", "is not >="),
    (
        "reserves.0.currency",
        _set("reserves.0.currency", "USD"),
        1,
        "reserves.coverage",
        "is not >=",
    ),
    (
        "reserves.1.maturity",
        _set("reserves.1.maturity", "2026-07-02"),
        1,
        "reserves.coverage",
        "is not >=",
    ),
    (
        "reserves.2.as_of",
        _set("reserves.2.as_of", "2026-03-20"),
        1,
        "reserves.dates",
        "11 days before",
    ),
    (
        "reserves.2.amount",
        _set("reserves.2.amount", "350000000"),
        1,
        "reserves.share.bonds-and-time-deposits.max",
        "is not <=",
    ),
    ("policy", _set("policy", "us-genius"), 1, "reserves.coverage", "is not >="),
]


@pytest.mark.parametrize(
    "field, change, code, check, words", TAMPERINGS, ids=[t[0] for t in TAMPERINGS]
)
def test_every_one_field_change_fails_for_its_reason(
    tmp_path: Path, field: str, change: Change, code: int, check: str, words: str
) -> None:
    got, report, output = replay(tmp_path, change)
    assert got == code, output
    assert report["verdict"] == ("fail" if code == 1 else "inconclusive")
    found = {c["id"]: c for c in report["checks"]}
    hit = found.get(check) or next(c for i, c in found.items() if i.startswith(check))
    assert hit["status"] != "pass", (field, hit)
    assert words in hit["reason"], (field, hit["reason"])


def test_a_burn_address_that_is_not_unspendable_is_bad_input(tmp_path: Path) -> None:
    """Only the zero address and 0x...dEaD burn without a proof; another is a treasury."""
    code, _, output = replay(tmp_path, _set("burn_addresses.0.address", "0x" + "55" * 20))
    assert code == 2
    assert "burn_addresses[0].address" in output and "not provably unspendable" in output


def test_an_exchange_policy_is_refused_for_a_stablecoin(tmp_path: Path) -> None:
    code, _, output = replay(tmp_path, None, "", "--policy", "jp-psa")
    assert code == 2 and "jp-psa is a policy for an exchange's attestation" in output


def test_a_bundle_without_a_chain_is_inconclusive_not_a_pass(tmp_path: Path) -> None:
    att, ev, _ = copy_demo(tmp_path)
    bundle = json.loads(ev.read_text())
    bundle["records"] = [r for r in bundle["records"] if r["endpoint"] != "ethereum:31338"]
    bundle["endpoints"].pop("ethereum:31338")
    ev.write_text(json.dumps(bundle))
    code, report, output = verify(att, tmp_path, "--offline", str(ev))
    assert code == 2, output
    assert report["verdict"] == "inconclusive"
    s = statuses(report)
    assert s["supply.ethereum:31338"] == "inconclusive" and s["reserves.coverage"] == "inconclusive"
    assert report["outstanding"] is None and report["supply"][1]["outstanding"] is None


def test_html_and_japanese(tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    r = run(
        "verify",
        str(DEMO / "short" / "attestation.json"),
        "--offline",
        str(DEMO / "short" / "evidence.json"),
        "--html",
        str(html),
        "--lang",
        "ja",
    )
    assert r.exit_code == 1
    page = html.read_text()
    assert "ステーブルコイン裏付資産の検証報告書" in page and "除外: " in page
    assert "確認しない事項" in page and "提案" in page  # the draft's figures, marked
    assert "判定: 不合格" in r.stdout


def test_an_unknown_kind_is_one_line_naming_the_field(tmp_path: Path) -> None:
    code, _, output = replay(tmp_path, _set("kind", "bank"))
    assert code == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1 and "attestation.json: kind: 'bank' is not a kind" in lines[0]
