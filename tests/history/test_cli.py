"""`por history` end to end: reports written by `por verify` added, shown and compared,
and every bad input refused with one line and exit 2."""

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tests.history.helpers import later, with_wallets, write
from verifier.cli import app
from verifier.report.model import Report


def run(*args: str) -> Any:
    """`por ARGS` in-process on a wide terminal, so that table cells are not wrapped."""
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"}, catch_exceptions=False)


def one_line_error(r: Any, *words: str) -> None:
    assert r.exit_code == 2, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("por: error: "), r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


def test_add_show_and_the_short_attestation_flagged(
    tmp_path: Path, demo_files: tuple[Path, Path], short: Report
) -> None:
    db = tmp_path / "h.sqlite"
    first = run("history", "add", str(demo_files[0]), "--db", str(db))
    assert first.exit_code == 0 and first.stdout.startswith("added demo-exchange 2026-03-31")
    again = run("history", "add", str(demo_files[0]), "--db", str(db))
    assert again.exit_code == 0 and "already in the history, nothing added" in again.stdout
    # the same report re-indented is the same report
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps(json.loads(demo_files[0].read_text())))
    assert "nothing added" in run("history", "add", str(copy), "--db", str(db)).stdout
    assert run("history", "show", "demo-exchange", "--db", str(db)).exit_code == 0

    worse = write(later(short, 30), tmp_path / "april.json")
    assert run("history", "add", str(worse), "--db", str(db)).exit_code == 0
    html = tmp_path / "history.html"
    r = run("history", "show", "demo-exchange", "--db", str(db), "--html", str(html))
    assert r.exit_code == 1, r.stdout + r.stderr
    assert r.stdout.rstrip().splitlines()[-1] == "WORSE: 2 flags across 2 reports of demo-exchange"
    assert "coverage fell" in r.stdout and "wallet gone" in r.stdout
    page = html.read_text()
    assert not re.search(r"https?:|<script|<link|<img", page, re.IGNORECASE)
    assert page.count("<svg") == 3  # coverage, cold share, reserves: no window yet
    assert "window minimum coverage is shown as '-'" in page
    assert "0.029551" in page and "not listed" in page
    assert con_count(db, "SELECT count(*) FROM reports") == 2


def con_count(db: Path, sql: str) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def test_html_output_never_destroys_a_file(tmp_path: Path, demo_files: tuple[Path, Path]) -> None:
    db = tmp_path / "h.sqlite"
    run("history", "add", str(demo_files[0]), "--db", str(db))
    html = tmp_path / "h.html"
    html.write_text("mine")
    one_line_error(
        run("history", "show", "demo-exchange", "--db", str(db), "--html", str(html)), "--force"
    )
    assert html.read_text() == "mine"
    before = db.read_bytes()
    one_line_error(
        run("history", "show", "demo-exchange", "--db", str(db), "--html", str(db), "--force"),
        str(db),
    )
    assert db.read_bytes() == before
    forced = run(
        "history", "show", "demo-exchange", "--db", str(db), "--html", str(html), "--force"
    )
    assert forced.exit_code == 0 and html.read_text().startswith("<!DOCTYPE html>")


def test_what_is_no_report_is_refused(tmp_path: Path, demo_files: tuple[Path, Path]) -> None:
    db = tmp_path / "h.sqlite"
    attestation = Path(__file__).parents[2] / "fixtures" / "demo" / "attestation.json"
    one_line_error(
        run("history", "add", str(attestation), "--db", str(db)),
        "format",
        "not a por verify report",
    )
    data = json.loads(demo_files[0].read_text())
    data["assets"][1]["coverage"] = "1e3"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    one_line_error(run("history", "add", str(edited), "--db", str(db)), "assets[1].coverage")
    data["assets"][1]["coverage"] = "1.006622"
    data["wallets"][0]["balances"]["BTC"] = 1.5
    edited.write_text(json.dumps(data))
    one_line_error(run("history", "add", str(edited), "--db", str(db)), "wallets[0].balances.BTC")
    data["wallets"][0]["balances"]["BTC"] = "18500000000"
    data["assets"][0]["liabilities"] = "191.021341541"  # finer than a satoshi
    edited.write_text(json.dumps(data))
    one_line_error(
        run("history", "add", str(edited), "--db", str(db)), "assets[0].liabilities", "8 decimals"
    )
    assert not db.exists()  # nothing was created for a refused report
    one_line_error(
        run("history", "add", str(demo_files[0]), "--db", str(demo_files[0])), "is the report"
    )


def test_a_database_that_is_not_one_is_refused(
    tmp_path: Path, demo_files: tuple[Path, Path]
) -> None:
    missing = tmp_path / "missing.sqlite"
    one_line_error(run("history", "show", "demo-exchange", "--db", str(missing)), "no such file")
    one_line_error(run("history", "overlaps", "--db", str(missing)), "no such file")
    assert not missing.exists()
    one_line_error(
        run("history", "add", str(demo_files[0]), "--db", str(tmp_path / "no" / "h.sqlite")),
        "directory does not exist",
    )
    one_line_error(
        run("history", "add", str(demo_files[0]), "--db", str(tmp_path)), "is a directory"
    )
    db = tmp_path / "h.sqlite"
    run("history", "add", str(demo_files[0]), "--db", str(db))
    one_line_error(
        run("history", "show", "other", "--db", str(db)),
        "no report of exchange 'other'",
        "demo-exchange",
    )
    one_line_error(run("history", "show", "", "--db", str(db)), "no report of exchange ''")


def test_the_default_database_is_made_in_the_data_directory(
    tmp_path: Path, demo_files: tuple[Path, Path]
) -> None:
    runner = CliRunner()
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    r = runner.invoke(app, ["history", "add", str(demo_files[0])], env=env)
    assert r.exit_code == 0, r.stdout + r.stderr
    assert (tmp_path / "data" / "por-verifier" / "history.sqlite").is_file()
    assert runner.invoke(app, ["history", "show", "demo-exchange"], env=env).exit_code == 0


def test_overlaps_name_both_reports(tmp_path: Path, demo: Report) -> None:
    db = tmp_path / "h.sqlite"
    other = later(demo, 1, exchange="other-exchange")
    shared = with_wallets(other, [demo.wallets[0]])
    for i, report in enumerate([demo, shared]):
        run("history", "add", str(write(report, tmp_path / f"r{i}.json")), "--db", str(db))
    r = run("history", "overlaps", "--db", str(db))
    assert r.exit_code == 1, r.stdout + r.stderr
    assert demo.wallets[0].locator in r.stdout
    assert "demo-exchange 2026-03-31" in r.stdout and "other-exchange 2026-04-01" in r.stdout
    assert r.stdout.rstrip().splitlines()[-1].startswith("OVERLAPS: 1 address claim")
    lone = tmp_path / "lone.sqlite"
    run("history", "add", str(tmp_path / "r0.json"), "--db", str(lone))
    assert run("history", "overlaps", "--db", str(lone)).exit_code == 0


def test_text_from_a_report_cannot_draw_on_the_terminal(tmp_path: Path, demo: Report) -> None:
    hostile = demo.model_copy(
        update={
            "exchange": demo.exchange.model_copy(
                update={"id": "x", "name": "X\x1b[2J\nNOTHING WORSE across 9 reports"}
            ),
            "snapshot": demo.snapshot.model_copy(update={"id": "s\u202e1"}),
        }
    )
    db = tmp_path / "h.sqlite"
    path = write(hostile, tmp_path / "hostile.json")
    assert run("history", "add", str(path), "--db", str(db)).exit_code == 0
    r = run("history", "show", "x", "--db", str(db), "--html", str(tmp_path / "h.html"))
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout
    assert "s\\u202e1" in r.stdout  # the snapshot id, escaped
    page = (tmp_path / "h.html").read_text()
    assert "<svg" in page and "X\x1b[2J\nNOTHING WORSE" in page  # as text in HTML, inert
    asked = run("history", "show", "x\x1b[2J", "--db", str(db))
    one_line_error(asked, "x\\x1b[2J")
    assert "\x1b" not in asked.stderr
