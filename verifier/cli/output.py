"""Terminal output shared by the commands: check tables and progress bars.

Everything here that came from an input file is passed through `safe` (control
characters escaped) and rich's `escape` (no markup), so a file cannot write its own
lines or styles into what the tool prints."""

import sys
from collections.abc import Callable

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from verifier.models.check import CheckResult, Status
from verifier.report.escape import printable as safe

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

STYLE = {Status.PASS: "green", Status.FAIL: "bold red", Status.INCONCLUSIVE: "yellow"}


def print_checks(checks: list[CheckResult]) -> None:
    """One line per check; what was expected and found is shown where it did not pass."""
    for c in checks:
        text = f"{c.id}: {c.reason}"
        if c.status is not Status.PASS and (c.expected is not None or c.actual is not None):
            text += f" (expected {c.expected}, found {c.actual})"
        out.print(f"[{STYLE[c.status]}]{c.status.value:<12}[/] {escape(safe(text))}")


def progress_bar() -> Progress:
    """A bar on stderr while a terminal watches; nothing at all when output is piped."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not sys.stderr.isatty(),
        transient=True,
    )


def reporter(progress: Progress) -> Callable[[str, int, int], None]:
    """Adapt the domain's progress callback (phase, done, total) to rich tasks."""
    tasks: dict[str, TaskID] = {}

    def report(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = progress.add_task(phase, total=total)
        progress.update(tasks[phase], completed=done)

    return report
