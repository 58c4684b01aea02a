"""`por ownership`: (being built; see the issue)."""

import typer

app = typer.Typer(no_args_is_help=True)
