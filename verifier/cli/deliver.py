"""A verdict report's way out of a run: its JSON and HTML files, the terminal summary
and the exit code. Apart from report_out so that commands with no report (`por tree`)
do not load the report renderers and the models they pull in (Ethereum's among them)."""

from collections.abc import Sequence
from pathlib import Path

import typer

from verifier.cli.output import out
from verifier.i18n import Lang
from verifier.io.outputs import Outputs
from verifier.models.check import EXIT_CODES
from verifier.report.html_report import render_html
from verifier.report.json_report import render_json
from verifier.report.model import Report
from verifier.report.stablecoin import StablecoinReport
from verifier.report.stablecoin_render import render_stablecoin_html, render_stablecoin_terminal
from verifier.report.terminal import render_terminal


def deliver(
    report: Report | StablecoinReport,
    outputs: Outputs,
    json_out: Path | None,
    html_out: Path | None,
    notes: Sequence[str] = (),
    lang: Lang = Lang.EN,
) -> None:
    """Write the JSON and HTML files asked for with what else the run staged, print
    `notes` and the summary (its verdict last) in `lang`, exit with the verdict."""
    with outputs:
        if json_out is not None:
            outputs.stage(json_out, render_json(report).encode())
        if html_out is not None:
            html = (
                render_stablecoin_html(report, lang)
                if isinstance(report, StablecoinReport)
                else render_html(report, lang)
            )
            outputs.stage(html_out, html.encode())
    for note in notes:
        out.print(note, markup=False)
    out.print(
        render_stablecoin_terminal(report, lang)
        if isinstance(report, StablecoinReport)
        else render_terminal(report, lang)
    )
    raise typer.Exit(EXIT_CODES[report.verdict])
