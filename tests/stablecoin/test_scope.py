"""Each stablecoin preset judges tokens of the currencies it covers, and a token outside
that scope fails `policy.currency` with the reason, in every report: the yen demo
passes under jp-epi and fails under us-genius; a dollar copy of it, replayed offline
from the same evidence, passes under us-genius; MiCA's e-money tokens may reference
any official currency."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from tests.stablecoin.helpers import copy_demo, statuses, verify
from tests.stablecoin.test_rules import USD_1M, attestation, results
from tests.tree.helpers import run
from verifier.cli import app
from verifier.models.check import Status

PRESETS = ROOT / "verifier" / "reconcile" / "policies"


@pytest.mark.parametrize(
    "policy, currency, status",
    [
        ("jp-epi", "JPY", Status.PASS),
        ("jp-epi", "USD", Status.FAIL),
        ("us-genius", "USD", Status.PASS),
        ("us-genius", "JPY", Status.FAIL),
        ("us-genius", "EUR", Status.FAIL),
        ("eu-mica-emt", "EUR", Status.PASS),
        ("eu-mica-emt", "USD", Status.PASS),
        ("eu-mica-emt", "JPY", Status.PASS),
    ],
)
def test_each_preset_covers_its_currencies(policy: str, currency: str, status: Status) -> None:
    att = attestation(
        [{"type": "bank_deposit", "amount": "100000000"}], currency=currency, issuer_type="trust"
    )
    got = results(att, policy, USD_1M)
    assert got["policy.currency"] is status


def _policy_check(report: dict[str, object], check: str) -> dict[str, str]:
    return next(c for c in report["checks"] if c["id"] == check)  # type: ignore[attr-defined]


def test_the_yen_demo_passes_the_currency_check_under_jp_epi(tmp_path: Path) -> None:
    att, ev, _ = copy_demo(tmp_path)
    code, report, output = verify(att, tmp_path, "--offline", str(ev))
    assert code == 0, output
    check = _policy_check(report, "policy.currency")
    assert (check["status"], check["expected"], check["actual"]) == ("pass", "JPY", "JPY")
    figure = next(f for f in report["policy"]["figures"] if f["field"] == "peg_currencies")
    assert (figure["value"], figure["status"]) == ("JPY", "assumption")


def test_the_yen_demo_fails_under_us_genius_naming_its_currency(tmp_path: Path) -> None:
    att, ev, _ = copy_demo(tmp_path)
    html = tmp_path / "report.html"
    code, report, output = verify(
        att, tmp_path, "--offline", str(ev), "--policy", "us-genius", "--html", str(html)
    )
    assert code == 1 and report["verdict"] == "fail", output
    reason = "us-genius covers tokens pegged to USD; this token is pegged to JPY"
    check = _policy_check(report, "policy.currency")
    assert (check["status"], check["reason"]) == ("fail", reason)
    assert statuses(report)["policy.us-genius"] == "fail"
    wide = CliRunner().invoke(
        app,
        ["verify", str(att), "--offline", str(ev), "--policy", "us-genius"],
        env={"COLUMNS": "300"},
    )  # the terminal's table, wide enough to keep the reason on one line
    assert wide.exit_code == 1
    assert re.search(r"policy\.currency\s.*\sfail\s.*" + re.escape(reason), wide.stdout)
    assert reason in html.read_text()
    ja_html = tmp_path / "ja.html"
    args = ("--offline", str(ev), "--policy", "us-genius", "--lang", "ja", "--html", str(ja_html))
    ja = run("verify", str(att), *args)
    assert ja.exit_code == 1
    page = ja_html.read_text()
    assert "対象通貨" in page
    assert (
        "us-genius の対象は USD に連動するトークンです。このトークンは JPY に連動しています" in page
    )


def test_a_dollar_copy_of_the_demo_passes_under_us_genius(tmp_path: Path) -> None:
    """The same token, supply and treasuries (the evidence replays as is), pegged to
    the dollar and backed by a billion dollars, in cents, of what the Act permits."""
    att, ev, doc = copy_demo(tmp_path)
    doc["token"]["peg_currency"] = "USD"
    day = doc["snapshot"]["id"]
    doc["reserves"] = [
        {"type": "bank_deposit", "amount": str(600_000_000 * 100), "custodian": "Demo Bank"},
        {
            "type": "government_bill",
            "amount": str(400_000_000 * 100),
            "custodian": "Demo Custodian",
            "maturity": "2026-07-02",  # 93 days after the snapshot: the Act's limit
        },
    ]
    for r in doc["reserves"]:
        r.update(currency="USD", as_of=day)
    att.write_text(json.dumps(doc))
    code, report, output = verify(att, tmp_path, "--offline", str(ev), "--policy", "us-genius")
    assert code == 0 and report["verdict"] == "pass", output
    check = _policy_check(report, "policy.currency")
    assert (check["status"], check["expected"], check["actual"]) == ("pass", "USD", "USD")
    assert report["outstanding"] == "1000000000" and report["eligible"] == "1000000000"
    # the same copy under the yen regime is outside its scope
    code, report, output = verify(att, tmp_path, "--offline", str(ev), "--policy", "jp-epi")
    assert code == 1, output
    reason = "jp-epi covers tokens pegged to JPY; this token is pegged to USD"
    assert _policy_check(report, "policy.currency")["reason"] == reason


def test_a_policy_without_a_scope_is_refused(tmp_path: Path) -> None:
    text = (PRESETS / "us-genius.toml").read_text().replace('peg_currencies = ["USD"]\n', "")
    policy = tmp_path / "no-scope.toml"
    policy.write_text(text.split("[[figures]]")[0])
    att, ev, _ = copy_demo(tmp_path)
    code, _, output = verify(att, tmp_path, "--offline", str(ev), "--policy", str(policy))
    assert code == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1 and "no-scope.toml" in lines[0] and "peg_currencies" in lines[0]
