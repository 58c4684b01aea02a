"""The history database: every report added, in one SQLite file.

SQLite from the standard library: one file the user can copy, no server, and every
change in a transaction, so an add that fails or is killed leaves the database as it
was (SQLite's journal does for the database what verifier/io/outputs does for files).

The schema is versioned with `PRAGMA user_version`: `MIGRATIONS[i]` takes a database
from version i to i + 1, and opening a database applies those it lacks, in order, in
one transaction. `PRAGMA application_id` marks the file as a por history, so that
another SQLite file given as --db (a tree's accounts.sqlite) is refused, not added to.

Amounts are TEXT of integers (base units) and ratios and money the report's decimal
text, never REAL: SQLite's REAL is a binary float. Each report is also kept whole, as
the canonical JSON it was added as, so a later schema can be filled from it.
"""

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from verifier.errors import InputError
from verifier.history.model import AssetPoint, Entry, ReservePoint, WalletPoint

APPLICATION_ID = 0x504F5248  # "PORH"
DB_FILE = Path("por-verifier") / "history.sqlite"


def default_path(environ: Mapping[str, str], home: Path) -> Path:
    """The user's data directory, as the XDG base directory specification names it:
    $XDG_DATA_HOME when it is set to an absolute path, else ~/.local/share."""
    base = environ.get("XDG_DATA_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else home / ".local" / "share"
    return root / DB_FILE


def _to_v1(db: sqlite3.Connection) -> None:
    """Reports, their per-asset figures and their wallets with each balance."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(
        "CREATE TABLE reports (digest TEXT PRIMARY KEY, exchange_id TEXT NOT NULL, "
        "exchange_name TEXT NOT NULL, snapshot_id TEXT NOT NULL, snapshot_time TEXT NOT NULL, "
        "verdict TEXT NOT NULL, policy TEXT NOT NULL, reporting_currency TEXT NOT NULL, "
        "source TEXT NOT NULL, report_json TEXT NOT NULL) STRICT"
    )
    db.execute("CREATE INDEX reports_by_exchange ON reports (exchange_id)")
    db.execute(
        "CREATE TABLE assets (digest TEXT NOT NULL REFERENCES reports, position INTEGER NOT NULL, "
        "symbol TEXT NOT NULL, decimals INTEGER NOT NULL, liabilities TEXT NOT NULL, held TEXT, "
        "coverage TEXT, cold_share TEXT, PRIMARY KEY (digest, position)) STRICT"
    )
    db.execute(
        "CREATE TABLE wallets (digest TEXT NOT NULL REFERENCES reports, position INTEGER NOT NULL, "
        "chain TEXT NOT NULL, locator TEXT NOT NULL, role TEXT NOT NULL, "
        "ownership_class TEXT NOT NULL, PRIMARY KEY (digest, position)) STRICT"
    )
    db.execute(
        "CREATE TABLE balances (digest TEXT NOT NULL REFERENCES reports, "
        "wallet INTEGER NOT NULL, symbol TEXT NOT NULL, amount TEXT, "
        "PRIMARY KEY (digest, wallet, symbol)) STRICT"
    )


def _to_v2(db: sqlite3.Connection) -> None:
    """The reserve lines (required against available, over time), filled for the
    reports already stored from the JSON each was kept as; and the window's minimum
    coverage per asset, empty until reports carry the window."""
    db.execute("ALTER TABLE assets ADD COLUMN window_min_coverage TEXT")
    db.execute(
        "CREATE TABLE reserves (digest TEXT NOT NULL REFERENCES reports, "
        "position INTEGER NOT NULL, check_id TEXT NOT NULL, required TEXT, available TEXT, "
        "PRIMARY KEY (digest, position)) STRICT"
    )
    for digest, text in db.execute("SELECT digest, report_json FROM reports").fetchall():
        lines = json.loads(text)["reserves"]
        _insert_reserves(
            db, digest, [ReservePoint(r["check"], r["required"], r["available"]) for r in lines]
        )


def _insert_reserves(db: sqlite3.Connection, digest: str, lines: Sequence[ReservePoint]) -> None:
    db.executemany(
        "INSERT INTO reserves VALUES (?, ?, ?, ?, ?)",
        [(digest, i, r.check, r.required, r.available) for i, r in enumerate(lines)],
    )


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_to_v1, _to_v2)
SCHEMA_VERSION = len(MIGRATIONS)


class History:
    """An open history database, at the current schema version.

    `create`: make the file when it is missing (`por history add`); the commands that
    only read refuse a missing file rather than leave an empty database behind."""

    def __init__(self, path: Path, *, create: bool) -> None:
        self.path = path
        if path.is_dir():
            raise InputError(str(path), None, "is a directory, not a file")
        if not path.exists():
            if not create:
                raise InputError(str(path), None, "no such file (por history add creates it)")
            if not path.parent.is_dir():
                raise InputError(str(path), None, "its directory does not exist")
        mode = "rwc" if create else "rw"
        try:
            self.db = sqlite3.connect(
                f"file:{quote(str(path))}?mode={mode}", uri=True, isolation_level=None
            )
        except sqlite3.Error as e:
            raise InputError(str(path), None, f"cannot open ({e})") from None
        try:
            self._migrate(create)
        except sqlite3.Error as e:
            self.db.close()
            raise InputError(str(path), None, f"not a usable history database ({e})") from None
        except InputError:
            self.db.close()
            raise

    def __enter__(self) -> "History":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.db.in_transaction:  # SQLite may have rolled back already
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _scalar(self, sql: str) -> Any:
        return self.db.execute(sql).fetchone()[0]

    def _migrate(self, create: bool) -> None:
        """Bring the database to SCHEMA_VERSION; one at that version is not written to."""
        with self._transaction():
            version = self._scalar("PRAGMA user_version")
            if (
                version == SCHEMA_VERSION
                and self._scalar("PRAGMA application_id") == APPLICATION_ID
            ):
                return
            if version == 0 and self._scalar("SELECT count(*) FROM sqlite_master"):
                raise InputError(str(self.path), None, "a SQLite database that is no por history")
            if version == 0 and not create:
                raise InputError(str(self.path), None, "empty: por history add makes a history")
            if version and self._scalar("PRAGMA application_id") != APPLICATION_ID:
                raise InputError(str(self.path), None, "a SQLite database that is no por history")
            if version > SCHEMA_VERSION:
                problem = (
                    f"schema version {version} is newer than this por-verifier's "
                    f"{SCHEMA_VERSION}: use a newer por-verifier"
                )
                raise InputError(str(self.path), None, problem)
            for i, step in enumerate(MIGRATIONS[version:], start=version):
                try:
                    step(self.db)
                except (LookupError, ValueError, TypeError) as e:  # a damaged stored report
                    problem = f"cannot migrate from schema {i} to {i + 1} ({type(e).__name__}: {e})"
                    raise InputError(str(self.path), None, problem) from None
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def version(self) -> int:
        return int(self._scalar("PRAGMA user_version"))

    def add(self, entry: Entry, report_json: str) -> bool:
        """Store `entry` (with its report's whole JSON); False when a report with the
        same digest is already there, which is left as it was."""
        with self._transaction():
            if self.db.execute(
                "SELECT 1 FROM reports WHERE digest = ?", (entry.digest,)
            ).fetchone():
                return False
            self._insert(entry, report_json)
        return True

    def _insert(self, e: Entry, report_json: str) -> None:
        d = e.digest
        self.db.execute(
            "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                d,
                e.exchange_id,
                e.exchange_name,
                e.snapshot_id,
                e.snapshot_time.astimezone(UTC).isoformat(),
                e.verdict,
                e.policy,
                e.reporting_currency,
                e.source,
                report_json,
            ),
        )
        self.db.executemany(
            "INSERT INTO assets (digest, position, symbol, decimals, liabilities, held, "
            "coverage, cold_share, window_min_coverage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    d,
                    i,
                    a.symbol,
                    a.decimals,
                    str(a.liabilities),
                    _text(a.held),
                    a.coverage,
                    a.cold_share,
                    a.window_min_coverage,
                )
                for i, a in enumerate(e.assets)
            ],
        )
        _insert_reserves(self.db, d, e.reserves)
        self.db.executemany(
            "INSERT INTO wallets VALUES (?, ?, ?, ?, ?, ?)",
            [
                (d, i, w.chain, w.locator, w.role, w.ownership_class)
                for i, w in enumerate(e.wallets)
            ],
        )
        self.db.executemany(
            "INSERT INTO balances VALUES (?, ?, ?, ?)",
            [
                (d, i, symbol, _text(amount))
                for i, w in enumerate(e.wallets)
                for symbol, amount in w.balances.items()
            ],
        )

    def exchanges(self) -> list[tuple[str, int]]:
        """Each exchange id with how many reports of it are stored."""
        rows = self.db.execute(
            "SELECT exchange_id, count(*) FROM reports GROUP BY exchange_id ORDER BY exchange_id"
        )
        return [(str(i), int(n)) for i, n in rows]

    def entries(self, exchange_id: str | None = None) -> list[Entry]:
        """The stored reports (of one exchange, or all), oldest snapshot first."""
        where, args = (
            ("WHERE exchange_id = ?", (exchange_id,)) if exchange_id is not None else ("", ())
        )
        try:
            return sorted(
                self._entries(where, args),
                key=lambda e: (e.snapshot_time, e.snapshot_id, e.digest),
            )
        except (ValueError, TypeError) as e:
            raise InputError(str(self.path), None, f"a damaged row ({e})") from None

    def _entries(self, where: str, args: tuple[str, ...]) -> list[Entry]:
        within = f"digest IN (SELECT digest FROM reports {where})"
        assets: dict[str, list[AssetPoint]] = {}
        for row in self.db.execute(
            f"SELECT digest, symbol, decimals, liabilities, held, coverage, cold_share, "
            f"window_min_coverage FROM assets WHERE {within} ORDER BY digest, position",
            args,
        ):
            assets.setdefault(row[0], []).append(
                AssetPoint(
                    symbol=row[1],
                    decimals=int(row[2]),
                    liabilities=int(row[3]),
                    held=_int(row[4]),
                    coverage=row[5],
                    cold_share=row[6],
                    window_min_coverage=row[7],
                )
            )
        reserves: dict[str, list[ReservePoint]] = {}
        for digest, check, required, available in self.db.execute(
            f"SELECT digest, check_id, required, available FROM reserves WHERE {within} "
            f"ORDER BY digest, position",
            args,
        ):
            reserves.setdefault(digest, []).append(ReservePoint(check, required, available))
        balances: dict[tuple[str, int], dict[str, int | None]] = {}
        for digest, wallet, symbol, amount in self.db.execute(
            f"SELECT digest, wallet, symbol, amount FROM balances WHERE {within}", args
        ):
            balances.setdefault((digest, wallet), {})[symbol] = _int(amount)
        wallets: dict[str, list[WalletPoint]] = {}
        for digest, position, chain, locator, role, klass in self.db.execute(
            f"SELECT digest, position, chain, locator, role, ownership_class FROM wallets "
            f"WHERE {within} ORDER BY digest, position",
            args,
        ):
            wallets.setdefault(digest, []).append(
                WalletPoint(chain, locator, role, klass, balances.get((digest, position), {}))
            )
        out = []
        for row in self.db.execute(
            f"SELECT digest, exchange_id, exchange_name, snapshot_id, snapshot_time, verdict, "
            f"policy, reporting_currency, source FROM reports {where}",
            args,
        ):
            digest = row[0]
            out.append(
                Entry(
                    digest=digest,
                    exchange_id=row[1],
                    exchange_name=row[2],
                    snapshot_id=row[3],
                    snapshot_time=datetime.fromisoformat(row[4]),
                    verdict=row[5],
                    policy=row[6],
                    reporting_currency=row[7],
                    source=row[8],
                    assets=tuple(assets.get(digest, [])),
                    reserves=tuple(reserves.get(digest, [])),
                    wallets=tuple(wallets.get(digest, [])),
                )
            )
        return out


def _text(amount: int | None) -> str | None:
    return None if amount is None else str(amount)


def _int(text: str | None) -> int | None:
    return None if text is None else int(text)
