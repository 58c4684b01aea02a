"""Where a command's results go: the files asked for, the terminal, and the exit code.

Every file a command writes is declared with `planned_outputs` at the start of the
command, so that an output that exists, names an input of the run, or cannot be
written is refused before the work (a run against nodes must not fail on --json
after minutes), and is written through verifier/io/outputs only once it succeeded."""

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated

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

FORCE = "--force"

ForceOption = Annotated[
    bool,
    typer.Option(
        FORCE,
        help="Replace output files that already exist. An input of this run is never "
        "written over, even with --force; outputs appear only when the command succeeded.",
    ),
]


LangOption = Annotated[
    Lang,
    typer.Option(
        "--lang",
        help="Language of what a person reads: the terminal summary, the HTML report, the "
        "customer page (a JSON report is the same in every language).",
    ),
]


def planned_outputs(
    inputs: Iterable[Path | str | None], force: bool, files: Sequence[tuple[Path | None, str]]
) -> Outputs:
    """The run's output files (path, flag; a None path was not asked for), checked now."""
    outputs = Outputs(inputs, force=force, force_flag=FORCE)
    for path, flag in files:
        outputs.add(path, flag)
    return outputs


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
