"""`por reconcile` end to end: exit codes, written reports, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.support.attestations import COLD_BTC, attestation, balances, set_balance, write
from verifier.cli import app


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["reconcile", *args], catch_exceptions=False)


def _files(tmp_path: Path, att: dict[str, Any], bal: dict[str, Any] | None = None) -> list[str]:
    a = write(tmp_path / "attestation.json", att)
    b = write(tmp_path / "balances.json", bal or balances(att))
    return [str(a), "--balances", str(b)]


def test_pass_writes_json_and_html(tmp_path: Path) -> None:
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    r = run(*_files(tmp_path, attestation()), "--json", str(out_json), "--html", str(out_html))
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().splitlines()[-1].startswith("VERDICT: PASS under jp-fsa-2026-draft")
    report = json.loads(out_json.read_text())
    assert report["verdict"] == "pass"
    assert "did not read the chains" in " ".join(report["limitations"])
    assert out_html.read_text().startswith("<!DOCTYPE html>")


def test_fail_exits_1(tmp_path: Path) -> None:
    att = attestation()
    bal = balances(att)
    set_balance(bal, COLD_BTC, "BTC", 96 * 10**8 - 1)
    r = run(*_files(tmp_path, att, bal))
    assert r.exit_code == 1
    assert "VERDICT: FAIL" in r.stdout


def test_inconclusive_exits_2(tmp_path: Path) -> None:
    att = attestation()
    del att["prices"]["ETH"]
    r = run(*_files(tmp_path, att))
    assert r.exit_code == 2
    assert "VERDICT: INCONCLUSIVE" in r.stdout


def test_policy_option_and_auditor_prices(tmp_path: Path) -> None:
    prices = tmp_path / "prices.json"
    # BTC at 1,000x: the auditor's snapshot prices, read beside the attestation's
    prices.write_text(
        json.dumps({"format": "por-prices-v1", "currency": "JPY", "prices": {"BTC": "10000000000"}})
    )
    args = [*_files(tmp_path, attestation()), "--policy", "kr"]
    assert run(*args).exit_code == 0
    r = run(*args, "--prices", str(prices))
    assert r.exit_code == 0
    prices.write_text(prices.read_text().replace('"BTC"', '"USDC"'))
    r = run(*args, "--prices", str(prices), "--json", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["policy"]["id"] == "kr" and report["policy"]["claimed"] == "jp-fsa-2026-draft"
    assert "prices.json" in " ".join(report["scope"])
    # Korea values at the attestation's one-year averages, which --prices does not
    # replace: USDC at 10bn JPY moves none of its value checks
    assert r.exit_code == 0
    (hot,) = [c for c in report["checks"] if c["id"] == "hot-reserve"]
    assert hot["status"] == "pass"
    # the claimed policy values at the snapshot: 1% of 960,000 cold USDC at 10bn JPY
    # each is far beyond the 2.9bn of reserves
    r = run(
        *_files(tmp_path, attestation()),
        "--prices",
        str(prices),
        "--json",
        str(tmp_path / "d.json"),
    )
    assert r.exit_code == 1
    report = json.loads((tmp_path / "d.json").read_text())
    (reserve,) = [c for c in report["checks"] if c["id"] == "liability-reserve"]
    assert reserve["status"] == "fail"


def test_other_entities(tmp_path: Path) -> None:
    others = tmp_path / "others.txt"
    others.write_text(f"{COLD_BTC.upper()}\n")  # bech32 in upper case is the same address
    out = tmp_path / "r.json"
    r = run(*_files(tmp_path, attestation()), "--other-entities", str(others), "--json", str(out))
    assert r.exit_code == 1
    (check,) = [c for c in json.loads(out.read_text())["checks"] if c["id"].endswith("entities")]
    assert (check["status"], check["actual"]) == ("fail", [COLD_BTC])


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda a, b: a["wallets"][0].pop("role"),
            "attestation.json: wallets[0].role: required field is missing",
        ),
        (
            lambda a, b: a.update(policy="xx-none"),
            "attestation.json: policy: 'xx-none' is not a preset; give --policy FILE",
        ),
        (
            lambda a, b: b["wallets"][0]["balances"]["BTC"].update(units=5),
            "balances.json: wallets[0].balances.BTC.units: must be an integer written as a string, "
            'such as "100000000"',
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, edit: Any, message: str) -> None:
    att = attestation()
    bal = balances(att)
    edit(att, bal)
    r = run(*_files(tmp_path, att, bal))
    assert r.exit_code == 2
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("por: error: ") and line.endswith(message), line
    assert r.stdout == ""


def test_a_bad_policy_file_is_one_line(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text(
        'format = "por-policy-v1"\nid = "p"\ntitle = "t"\nstatus = "s"\n'
        '[[rules]]\nkind = "coverage"\nmin_ratio = 1\n'
    )
    r = run(*_files(tmp_path, attestation()), "--policy", str(policy))
    assert r.exit_code == 2
    (line,) = r.stderr.strip().splitlines()
    assert f"{policy}: rules[0].coverage.min_ratio: must be a decimal string" in line


def test_the_installed_command_has_no_traceback(tmp_path: Path) -> None:
    att = attestation()
    att["snapshot"]["time"] = "noon"
    args = _files(tmp_path, att)
    p = subprocess.run(
        [sys.executable, "-m", "verifier", "reconcile", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "snapshot.time" in p.stderr
    assert "Traceback" not in p.stderr
