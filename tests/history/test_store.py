"""The history database: what it keeps, idempotent adds, what it refuses to open."""

import sqlite3
from pathlib import Path

import pytest

from verifier.errors import InputError
from verifier.history.model import entry_of
from verifier.history.store import MIGRATIONS, SCHEMA_VERSION, History, default_path
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
    assert stored == entry
    assert [r.check for r in stored.reserves] == ["liability-reserve"]
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


def _version_1(db: Path, report: Report) -> None:
    """A database as schema 1 left it, holding `report` as schema 1 stored it."""
    e = entry_of(report, "demo.json")
    con = sqlite3.connect(db, isolation_level=None)
    MIGRATIONS[0](con)
    con.execute("PRAGMA user_version = 1")
    con.execute(
        "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            e.digest,
            e.exchange_id,
            e.exchange_name,
            e.snapshot_id,
            e.snapshot_time.isoformat(),
            e.verdict,
            e.policy,
            e.reporting_currency,
            e.source,
            render_json(report),
        ),
    )
    for i, a in enumerate(e.assets):
        con.execute(
            "INSERT INTO assets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.digest,
                i,
                a.symbol,
                a.decimals,
                str(a.liabilities),
                str(a.held),
                a.coverage,
                a.cold_share,
            ),
        )
    for i, w in enumerate(e.wallets):
        con.execute(
            "INSERT INTO wallets VALUES (?, ?, ?, ?, ?, ?)",
            (e.digest, i, w.chain, w.locator, w.role, w.ownership_class),
        )
        for symbol, amount in w.balances.items():
            con.execute(
                "INSERT INTO balances VALUES (?, ?, ?, ?)", (e.digest, i, symbol, str(amount))
            )
    con.close()


def test_a_version_1_database_is_migrated_with_its_reserves_filled_in(
    tmp_path: Path, demo: Report
) -> None:
    db = tmp_path / "v1.sqlite"
    _version_1(db, demo)
    with History(db, create=False) as h:
        assert h.version == SCHEMA_VERSION == 2
        (stored,) = h.entries()
    # the reserve lines, which schema 1 did not have, come from the kept JSON
    assert stored == entry_of(demo, "demo.json")
    assert stored.reserves[0].required == "2000000000"
    assert all(a.window_min_coverage is None for a in stored.assets)
    with History(db, create=False) as h:  # opening again migrates nothing more
        assert h.version == 2 and len(h.entries()) == 1


def test_a_failed_migration_leaves_the_database_at_its_version(
    tmp_path: Path, demo: Report
) -> None:
    db = tmp_path / "v1.sqlite"
    _version_1(db, demo)
    con = sqlite3.connect(db)
    con.execute("UPDATE reports SET report_json = '{}'")  # no reserves to fill from
    con.commit()
    con.close()
    with pytest.raises(InputError, match="cannot migrate from schema 1 to 2"):
        History(db, create=False)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'reserves'").fetchone() == (
        0,
    )


def test_reading_writes_nothing_and_an_empty_file_is_not_made_a_history(
    tmp_path: Path, demo: Report
) -> None:
    db = tmp_path / "h.sqlite"
    with History(db, create=True) as h:
        h.add(entry_of(demo, "demo.json"), render_json(demo))
    before = db.read_bytes()
    with History(db, create=False) as h:
        assert len(h.entries()) == 1
    assert db.read_bytes() == before
    empty = tmp_path / "empty"
    empty.touch()
    with pytest.raises(InputError, match="empty"):
        History(empty, create=False)
    assert empty.read_bytes() == b""
