"""`por history`: keep every report `por verify` wrote, and compare them over time
(one exchange's trend and what got worse) and across exchanges (addresses both claim).

Exit codes as everywhere: `show` exits 1 when something got worse and `overlaps` when
an address is claimed twice, so that a scheduled run can alert on them; 2 for bad
input (a file that is no report, a database that is no history)."""

import os
from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.common import HtmlOutOption
from verifier.cli.output import out, safe
from verifier.cli.report_out import ForceOption, planned_outputs
from verifier.cli.style import PorGroup
from verifier.errors import InputError
from verifier.history.analysis import overlaps as find_overlaps
from verifier.history.analysis import regressions
from verifier.history.html import render_history_html
from verifier.history.model import entry_of
from verifier.history.store import DB_FILE, History, default_path
from verifier.history.terminal import render_history, render_overlaps
from verifier.io.report import load_report
from verifier.report.json_report import render_json

app = typer.Typer(
    cls=PorGroup,
    no_args_is_help=True,
    help="Keep every por verify report in a database; show an exchange's trend and what "
    "got worse; list addresses two exchanges both claim.",
)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help=f"The history database (SQLite). Default: $XDG_DATA_HOME/{DB_FILE}, or "
        f"~/.local/share/{DB_FILE} when XDG_DATA_HOME is not set.",
    ),
]


def _database(db: Path | None) -> Path:
    """--db, or the user's data directory's history (made on first use)."""
    return db if db is not None else default_path(os.environ, Path.home())


@app.command()
def add(
    report: Annotated[
        Path, typer.Argument(help="A report as `por verify --json` writes it (por-report-v1).")
    ],
    db: DbOption = None,
) -> None:
    """Add a report to the history.

    Adding the same report again (the same digest of its canonical JSON) changes
    nothing and says so."""
    path = _database(db)
    if path.exists() and report.exists() and os.path.samefile(path, report):
        raise InputError(str(path), None, "is the report being added, not a history database")
    loaded = load_report(report)
    entry = entry_of(loaded, str(report))
    if db is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    with History(path, create=True) as history:
        added = history.add(entry, render_json(loaded))
    said = "added" if added else "already in the history, nothing added:"
    out.print(
        f"{said} {safe(entry.name)} (sha256 {entry.digest}) in {safe(str(path))}", markup=False
    )


@app.command()
def show(
    exchange: Annotated[str, typer.Argument(help="The exchange id, as its reports name it.")],
    db: DbOption = None,
    html_out: HtmlOutOption = None,
    force: ForceOption = False,
) -> None:
    """An exchange's reports over time and what got worse. Exit 1 when something did.

    Coverage per asset, cold share, reserves against requirement and the window's
    minimum coverage ('-' while reports carry no window); flagged from each report to
    the next: coverage falling, a wallet gone, a wallet's balance below half of what it
    held at the earlier snapshot."""
    path = _database(db)
    outputs = planned_outputs([path], force, [(html_out, "--html")])
    with History(path, create=False) as history:
        entries = history.entries(exchange)
        known = history.exchanges()
    if not entries:
        stored = ", ".join(name for name, _ in known) or "none"
        raise InputError(str(path), None, f"no report of exchange {exchange!r} (stored: {stored})")
    found = regressions(entries)
    with outputs:
        if html_out is not None:
            outputs.stage(html_out, render_history_html(exchange, entries, found).encode())
    out.print(render_history(exchange, entries, found))
    raise typer.Exit(1 if found else 0)


@app.command()
def overlaps(db: DbOption = None) -> None:
    """Addresses two exchanges both claim, with both reports named. Exit 1 when any.

    An address (on one chain) listed by reports of two different exchanges: the same
    coins counted by two entities. Each pair names the two reports nearest in time."""
    path = _database(db)
    with History(path, create=False) as history:
        entries = history.entries()
    found = find_overlaps(entries)
    out.print(render_overlaps(found, len(entries)))
    raise typer.Exit(1 if found else 0)
