"""The `por` command line. Each command group lives in its own module; this one
wires them together and is the single place where errors become exit codes."""

import sys

import typer

from verifier.cli import chain, inclusion, ownership, tree
from verifier.errors import InputError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Verify proofs of reserves. Exit codes: 0 pass, 1 fail, 2 error or inconclusive.",
)
app.add_typer(tree.app, name="tree")
app.add_typer(inclusion.app, name="inclusion")
app.add_typer(chain.app, name="chain")
app.add_typer(ownership.app, name="ownership")


def main() -> None:
    try:
        app()
    except InputError as e:
        print(f"por: error: {e}", file=sys.stderr)
        sys.exit(2)
