"""The history database: what it keeps, idempotent adds, what it refuses to open."""

import sqlite3
from pathlib import Path

import pytest

from verifier.errors import InputError
from verifier.history.model import entry_of
from verifier.history.store import SCHEMA_VERSION, History, default_path
from verifier.report.json_report import render_json
from verifier.report.model import Report


def test_a_report_is_kept_exactly_and_added_once(tmp_path: Path, demo: Report) -> None:
    db = tmp_path / "h.sqlite"
    entry = entry_of(demo, "demo.json")
    with History(db, create=True) as h:
        assert h.add(entry, render_json(demo))
        assert not h.add(entry, render_json(demo))  # the same digest: nothing added
    with History(db, create=False) as h:
        (stored,) = h.entries("demo-exchange")
        assert h.version == SCHEMA_VERSION
        assert h.exchanges() == [("demo-exchange", 1)]
    assert stored.assets == entry.assets
    assert stored.wallets == entry.wallets
    assert stored.snapshot_time == entry.snapshot_time
    btc = stored.asset("BTC")
    assert btc is not None and (btc.liabilities, btc.held) == (19102134154, 192 * 10**8)
    # amounts are kept as integer text, never as a binary float
    con = sqlite3.connect(db)
    assert {t for (t,) in con.execute("SELECT DISTINCT typeof(amount) FROM balances")} == {"text"}
    assert con.execute("SELECT typeof(liabilities) FROM assets LIMIT 1").fetchone() == ("text",)


def test_the_default_database_is_in_the_users_data_directory(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert default_path({}, home) == home / ".local/share/por-verifier/history.sqlite"
    assert default_path({"XDG_DATA_HOME": "/data"}, home) == Path(
        "/data/por-verifier/history.sqlite"
    )
    # the specification says a relative value is to be ignored
    assert default_path({"XDG_DATA_HOME": "rel"}, home) == default_path({}, home)


def test_what_is_not_a_history_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "accounts.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE accounts (id TEXT)")
    con.commit()
    con.close()
    before = other.read_bytes()
    with pytest.raises(InputError, match="no por history"):
        History(other, create=True)
    assert other.read_bytes() == before
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, but long enough to have a header\n" * 4)
    with pytest.raises(InputError, match="not a usable history database"):
        History(text, create=True)
    with pytest.raises(InputError, match="no such file"):
        History(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()
    with pytest.raises(InputError, match="is a directory"):
        History(tmp_path, create=True)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    History(db, create=True).db.close()
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(InputError, match="newer than this por-verifier"):
        History(db, create=False)
