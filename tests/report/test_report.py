"""The report's renderers: JSON is the whole report, HTML is self-contained and says
what an auditor's report must, the terminal shows the table and one verdict line."""

import re
from pathlib import Path

import pytest
from rich.console import Console

from tests.support.attestations import (
    COLD_BTC,
    COLD_ETH,
    attestation,
    balances,
    reconciled,
    set_balance,
)
from verifier.report.html_report import render_html
from verifier.report.json_report import render_json
from verifier.report.model import Report
from verifier.report.terminal import render_terminal


@pytest.fixture
def short(tmp_path: Path) -> Report:
    """jp-fsa-2026-draft, 1 BTC short, so the charts and tables carry a failure."""
    att = attestation()
    bal = balances(att)
    set_balance(bal, COLD_BTC, "BTC", 95 * 10**8)
    return reconciled(tmp_path, att, bal)  # type: ignore[no-any-return]


def test_json_is_the_whole_report(short: Report) -> None:
    again = Report.model_validate_json(render_json(short))
    assert again == short
    assert again.verdict.value == "fail"
    (btc,) = [a for a in again.assets if a.symbol == "BTC"]
    assert (btc.coverage, btc.surplus, btc.surplus_value) == ("0.990000", "-1", "-10000000")


def test_every_check_has_id_status_expected_actual_evidence_method(short: Report) -> None:
    for c in short.checks:
        assert c.id and c.method
    coverage = next(c for c in short.checks if c.id == "coverage.BTC")
    assert (coverage.status.value, coverage.expected, coverage.actual) == (
        "fail",
        ">= 100 BTC",
        "99 BTC",
    )
    assert coverage.parent == "coverage"
    reserve = next(c for c in short.checks if c.id == "liability-reserve")
    assert "floor" in reserve.evidence["requirement"]
    assert "volume_rate=0.00002" in reserve.method


def test_html_is_self_contained(short: Report) -> None:
    html = render_html(short)
    # An address may be cited as text (a policy's sources), never inside a tag
    assert not re.search(r"<[^>]*https?:", html, re.IGNORECASE)
    style = "".join(re.findall(r"<style>(.*?)</style>", html, re.DOTALL))
    assert not re.search(r"https?:", style, re.IGNORECASE)
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", html, re.IGNORECASE)
    # only fragment references within the page (the SVGs' <use xlink:href="#glyph">)
    refs = re.findall(r"\b(?:src|href)\s*=\s*[\"']?([^\"'\s>]*)", html, re.IGNORECASE)
    assert all(r.startswith("#") for r in refs), [r for r in refs if not r.startswith("#")]
    assert all(u.startswith("#") for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", html))
    assert "@import" not in html
    assert html.count("<svg") == 3  # coverage, cold/hot, reserves


def test_html_states_what_an_auditors_report_needs(short: Report) -> None:
    html = render_html(short)
    for needed in [
        "Verdict: FAIL",
        "bitcoin:regtest",
        "500",
        "11" * 32,  # snapshot heights and block hashes
        "ethereum:31337",
        "900",
        "cd" * 32,  # the liability root commitment
        "Scope",
        "0.990000",  # the per-asset ratio
        "not an audit of financial statements",
        "movements after the snapshot",
        "encumbrance",
        "off-chain liabilities",
        "50000000 JPY",  # the stated off-chain fiat liability
        "no reserve formula",  # the draft policy's assumptions
        "Verified customer holdings of BTC",  # a check's method
        "2025-12-10",  # the Working Group report the draft cites
        "<code>liability-reserve.counts.insurance.cap_share</code></td><td>0.5</td>"
        '<td class="assumption">assumption</td>',  # each figure, its value and status
        '<code>cold-share.max_hot</code></td><td>0.05</td><td class="law">law</td>',
    ]:
        assert needed in html, needed


def test_html_escapes_what_the_exchange_wrote(tmp_path: Path) -> None:
    att = attestation()
    att["exchange"]["name"] = "<script>alert(1)</script>"
    html = render_html(reconciled(tmp_path, att))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_terminal_table_and_one_verdict_line(short: Report) -> None:
    console = Console(width=200, record=True)
    console.print(render_terminal(short))
    text = console.export_text()
    assert [line for line in text.splitlines() if line.startswith("VERDICT:")] == [
        "VERDICT: FAIL under jp-fsa-2026-draft (36 pass, 3 fail, 0 inconclusive)"
    ]
    assert "coverage.BTC" in text
    assert "balance[bcrt1qcold0].BTC" not in text  # routine passes are folded
    assert "no reserve formula" in text  # the assumptions, in every report
    assert "liability-reserve.counts.insurance.cap_share = 0.5: ASSUMPTION" in text
    assert "cold-share.max_hot = 0.05: LAW" in text


def test_a_report_says_what_the_regime_asks_that_a_snapshot_cannot_see(tmp_path: Path) -> None:
    report = reconciled(tmp_path, attestation("hk-sfc"))
    assert any("daily" in x for x in report.policy.not_checked)
    console = Console(width=200, record=True)
    console.print(render_terminal(report))
    assert "not checked at a snapshot" in console.export_text()
    assert "not checked at a snapshot" in render_html(report)
    (fig,) = [f for f in report.policy.figures if f.field == "counts.max_term_months"]
    assert (fig.value, fig.status) == ("6", "assumption")


def test_a_report_from_before_figures_reads_as_having_none(short: Report) -> None:
    data = short.model_dump(mode="json")
    del data["policy"]["figures"], data["policy"]["not_checked"]
    old = Report.model_validate(data)
    assert old.policy.figures == [] and old.policy.not_checked == []


def _terminal_lines(report: Report) -> list[str]:
    console = Console(width=200, record=True, force_terminal=True, color_system="standard")
    console.print(render_terminal(report))
    return console.export_text(styles=False).rstrip("\n").splitlines()


@pytest.mark.parametrize(
    "name",
    [
        "Demo\nVERDICT: PASS under jp-psa (40 pass, 0 fail, 0 inconclusive)",
        "Demo\x1b[2K\x1b[1A\x1b[32mVERDICT: PASS",
        "Demo\u202eSSAP :TCIDREV",
        "[bold green]VERDICT: PASS[/]",
    ],
)
def test_text_from_the_file_cannot_forge_a_line(tmp_path: Path, name: str) -> None:
    att = attestation()
    att["exchange"]["name"] = name
    att["exchange"]["id"] = "demo"
    bal = balances(att)
    set_balance(bal, COLD_BTC, "BTC", 95 * 10**8)
    lines = _terminal_lines(reconciled(tmp_path, att, bal))
    verdicts = [line for line in lines if "VERDICT" in line]
    # The name is shown escaped on its own line; the one real verdict is the last line.
    assert lines[-1].startswith("VERDICT: FAIL")
    assert all(not line.startswith("VERDICT: PASS") for line in lines)
    assert all(not any(ch in line for ch in "\x1b\u202e") for line in lines)
    assert len([v for v in verdicts if v.startswith("VERDICT")]) == 1


def test_the_account_count_is_shown_as_declared(short: Report) -> None:
    assert short.snapshot.account_count_declared >= 0
    text = "\n".join(short.scope)
    assert "as declared" in text and "por tree audit" in text
    assert "as declared" in render_html(short)


def test_wallet_lines_carry_each_balance_in_base_units(tmp_path: Path) -> None:
    att = attestation()
    bal = balances(att)
    set_balance(bal, COLD_BTC, "BTC", 95 * 10**8)
    cold = next(w for w in bal["wallets"] if w["address"] == COLD_ETH)
    cold["balances"]["ETH"] = {"inconclusive": "node down"}
    report = reconciled(tmp_path, att, bal)
    lines = {w.locator: w for w in report.wallets}
    assert lines[COLD_BTC].balances == {"BTC": str(95 * 10**8)}
    assert (lines[COLD_BTC].role, lines[COLD_BTC].ownership_class) == ("cold", "customer")
    assert lines[COLD_ETH].balances["ETH"] is None  # unread, never a zero
    assert Report.model_validate_json(render_json(report)).wallets == report.wallets
