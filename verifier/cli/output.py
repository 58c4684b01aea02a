"""Terminal output shared by the commands: check tables and progress bars."""

import sys
from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from verifier.models.check import CheckResult, Status

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

STYLE = {Status.PASS: "green", Status.FAIL: "bold red", Status.INCONCLUSIVE: "yellow"}


def print_checks(checks: list[CheckResult]) -> None:
    """One line per check; what was expected and found is shown where it did not pass."""
    for c in checks:
        line = f"[{STYLE[c.status]}]{c.status.value:<12}[/] {c.id}: {c.reason}"
        if c.status is not Status.PASS and (c.expected is not None or c.actual is not None):
            line += f" (expected {c.expected}, found {c.actual})"
        out.print(line)


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
