"""The `por` command line. Each command group lives in its own module; this one
wires them together and is the single place where errors become exit codes."""

from typing import Any

import typer

from verifier.cli import (
    administer,
    attest,
    chain,
    history,
    inclusion,
    ownership,
    reconcile,
    reserves,
    tree,
    verify,
)
from verifier.cli.output import err, safe
from verifier.cli.style import PorGroup, invoked_command
from verifier.errors import InputError, OptionError


class _Por(PorGroup):
    """Turns bad input anywhere below into one line on stderr and exit 2, no traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as e:
            err.print(f"por: error: {safe(_worded(e, invoked_command(ctx)))}", markup=False)
            raise typer.Exit(2) from None


def _worded(e: InputError, command: Any) -> str:
    """The error as the user's command line names things: a domain parameter becomes
    the flag that set it (`network` -> `--network`), where this command has one."""
    if not isinstance(e, OptionError):
        return str(e)
    flags = {p.name: p.opts[0] for p in getattr(command, "params", []) if p.opts}

    def name_of(parameter: str) -> str:
        return flags.get(parameter, parameter)

    where = name_of(e.parameter)
    if e.field:
        where = f"{where}: {e.field}"
    return f"{where}: {e.worded(name_of)}"


app = typer.Typer(
    cls=_Por,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Verify proofs of reserves. Exit codes: 0 pass, 1 fail, 2 error or inconclusive.",
)
app.add_typer(tree.app, name="tree")
app.add_typer(inclusion.app, name="inclusion")
app.add_typer(chain.app, name="chain")
app.add_typer(ownership.app, name="ownership")
app.add_typer(reserves.app, name="reserves")
app.add_typer(history.app, name="history")
app.add_typer(administer.app, name="administer")
app.command("reconcile")(reconcile.command)
app.command("verify")(verify.command)
app.command("attest")(attest.command)
app.command(
    "self-check",
    help="The exchange's run of `por verify` on its attestation before publishing it.",
)(verify.command)


def main() -> None:
    app()
