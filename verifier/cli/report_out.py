"""Where a report goes: the files asked for, the terminal, and the exit code."""

from pathlib import Path

import typer

from verifier.cli.output import out
from verifier.errors import InputError
from verifier.models.check import EXIT_CODES
from verifier.report.html_report import render_html
from verifier.report.json_report import render_json
from verifier.report.model import Report
from verifier.report.terminal import render_terminal


def deliver(report: Report, json_out: Path | None, html_out: Path | None) -> None:
    """Write the JSON and HTML files asked for, print the summary, exit with the verdict."""
    for path, render in ((json_out, render_json), (html_out, render_html)):
        if path is not None:
            try:
                path.write_text(render(report), encoding="utf-8")
            except OSError as e:
                raise InputError(str(path), None, f"cannot write: {e}") from None
    out.print(render_terminal(report))
    raise typer.Exit(EXIT_CODES[report.verdict])
