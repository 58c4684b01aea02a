"""Errors a user can act on.

Every bad input ends as one line naming the file, the field and the problem, and
exit code 2; the CLI is the only place that turns these into output.
"""

from collections.abc import Callable


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
    (`network`, `from_height`). Only the CLI knows which flag, if any, set it: it
    writes that flag for `parameter` and for each `{name}` of `mentions` in the text.

    `OptionError("chain_id", "Ethereum needs {chain_id} or {network}", mentions=("chain_id", "network"))`
    reads "--chain-id: Ethereum needs --chain-id or --network" from `por chain balances`.
    """

    def __init__(
        self,
        parameter: str,
        problem: str,
        *,
        field: str | None = None,
        mentions: tuple[str, ...] = (),
    ) -> None:
        self.parameter = parameter
        self.template = problem
        self.mentions = mentions
        super().__init__(parameter, field, self.worded(lambda name: name))

    def worded(self, name_of: Callable[[str], str]) -> str:
        """The problem with each mentioned parameter written as `name_of` names it."""
        text = self.template
        for mention in self.mentions:
            text = text.replace("{" + mention + "}", name_of(mention))
        return text
