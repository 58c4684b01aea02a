"""Reports for the history tests: the demo's, written by `por verify` itself, and
variants of them that move the snapshot, the exchange, coverage or wallets, as a
later attestation would."""

import json
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

from tests.conftest import ROOT
from tests.tree.helpers import run
from verifier.io.report import load_report
from verifier.models.numbers import format_decimal, format_truncated
from verifier.report.json_report import render_json
from verifier.report.model import AssetLine, Report, WalletLine

DEMO = ROOT / "fixtures" / "demo"


def verified(attestation: Path, evidence: Path, out: Path) -> Path:
    """The report `por verify --json` writes for the demo, replayed offline."""
    r = run("verify", str(attestation), "--offline", str(evidence), "--json", str(out))
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    return out


def demo_reports(directory: Path) -> tuple[Path, Path]:
    """The demo's passing report and its short one (USDC cold left out, BTC cold called hot)."""
    return (
        verified(DEMO / "attestation.json", DEMO / "evidence.json", directory / "demo.json"),
        verified(
            DEMO / "short" / "attestation.json",
            DEMO / "short" / "evidence.json",
            directory / "short.json",
        ),
    )


def later(report: Report, days: int, *, exchange: str | None = None) -> Report:
    """The same report `days` later (a new snapshot id), of `exchange` if given."""
    time: datetime = report.snapshot.time + timedelta(days=days)
    snapshot = report.snapshot.model_copy(update={"time": time, "id": time.date().isoformat()})
    update: dict[str, object] = {"snapshot": snapshot}
    if exchange is not None:
        update["exchange"] = report.exchange.model_copy(update={"id": exchange, "name": exchange})
    return report.model_copy(update=update)


def with_held(report: Report, symbol: str, held_base_units: int) -> Report:
    """`report` with verified customer holdings of `symbol` set, coverage to match."""

    def change(a: AssetLine) -> AssetLine:
        if a.symbol != symbol:
            return a
        held = Fraction(held_base_units, 10**a.decimals)
        coverage = format_truncated(held / Fraction(a.liabilities), 6)
        return a.model_copy(update={"customer_total": format_decimal(held), "coverage": coverage})

    return report.model_copy(update={"assets": [change(a) for a in report.assets]})


def with_wallets(report: Report, wallets: list[WalletLine]) -> Report:
    return report.model_copy(update={"wallets": wallets})


def with_balance(report: Report, locator: str, symbol: str, units: int | None) -> Report:
    """`report` with one wallet's balance of `symbol` replaced (None: unread)."""
    return with_wallets(
        report,
        [
            w.model_copy(
                update={"balances": {**w.balances, symbol: None if units is None else str(units)}}
            )
            if w.locator == locator
            else w
            for w in report.wallets
        ],
    )


def write(report: Report, path: Path) -> Path:
    """`report` as `por verify` writes it, read back through the report loader to
    prove it is still a report."""
    path.write_text(render_json(report))
    assert load_report(path) == report
    return path


def as_json(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text())
    return data
