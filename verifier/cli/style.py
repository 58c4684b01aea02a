"""What every `por` command group shares: one typer group class, which remembers the
command a user invoked so that errors can be worded with that command's own flags."""

from typing import Any

from typer.core import TyperGroup

_INVOKED = "por.invoked_command"


class PorGroup(TyperGroup):
    # typer carries its own copy of click, so contexts and commands are typed as Any.
    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta[_INVOKED] = command  # meta is shared by every context of one run
        return name, command, rest


def invoked_command(ctx: Any) -> Any:
    """The command of this run that a user named (the leaf, under its groups)."""
    return ctx.meta.get(_INVOKED)
