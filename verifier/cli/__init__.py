"""The `por` command line. Each command group lives in its own module; this one
wires them together and is the single place where errors become exit codes."""

from typing import Any

import typer
from typer.core import TyperGroup

from verifier.cli import attest, chain, inclusion, ownership, reconcile, tree, verify
from verifier.cli.output import err
from verifier.errors import InputError


class _Por(TyperGroup):
    """Turns bad input anywhere below into one line on stderr and exit 2, no traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as e:
            err.print(f"por: error: {e}", markup=False)
            raise typer.Exit(2) from None


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
app.command("reconcile")(reconcile.command)
app.command("verify")(verify.command)
app.command("attest")(attest.command)
app.command(
    "self-check",
    help="The exchange's run of `por verify` on its attestation before publishing it.",
)(verify.command)


def main() -> None:
    app()
