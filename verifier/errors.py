"""Errors a user can act on.

Every bad input ends as one line naming the file, the field and the problem, and
exit code 2; the CLI is the only place that turns these into output.
"""


class InputError(Exception):
    """Bad input: `source` is the file it came from, `field` where in it."""

    def __init__(self, source: str, field: str | None, problem: str) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.source}: {self.field}" if self.field else self.source
        return f"{where}: {self.problem}"


class OptionError(InputError):
    """A bad value of one of the caller's parameters, named as the domain names it
    (`network`, `from_height`): only the CLI knows which flag, if any, set it, and
    writes that flag in its place."""

    def __init__(self, parameter: str, problem: str) -> None:
        self.parameter = parameter
        super().__init__(parameter, None, problem)
