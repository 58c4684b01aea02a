"""Where a command's results go: the files asked for, checked before the work.

Every file a command writes is declared with `planned_outputs` at the start of the
command, so that an output that exists, names an input of the run, or cannot be
written is refused before the work (a run against nodes must not fail on --json
after minutes), and is written through verifier/io/outputs only once it succeeded.
A verdict report's files, summary and exit code are verifier/cli/deliver.py's."""

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated

import typer

from verifier.i18n import Lang
from verifier.io.outputs import Outputs

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
