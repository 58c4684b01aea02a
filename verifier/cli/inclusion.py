"""`por inclusion`: a customer checks that their balance is in the published tree,
in our format or in the format their exchange publishes."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from verifier.cli.output import out
from verifier.cli.page import page
from verifier.cli.style import PorGroup
from verifier.errors import InputError
from verifier.io.tree import load_root
from verifier.tree import batch
from verifier.tree.formats import BY_NAME, verify_file
from verifier.tree.formats.source import published_value
from verifier.tree.formats.verdict import Verdict

app = typer.Typer(cls=PorGroup, no_args_is_help=True, help="Verify a customer's inclusion proof.")
app.command()(page)


@app.command()
def verify(
    file: Annotated[
        Path,
        typer.Argument(help="The proof file the exchange gave you, or a whole published tree"),
    ],
    format_name: Annotated[
        str,
        typer.Option(
            "--format", help=f"auto (from the file's shape) or one of: {', '.join(BY_NAME)}"
        ),
    ] = "auto",
    commitment: Annotated[
        str | None,
        typer.Option(
            help="The published value: the root commitment (por-mst-v1) or root hash (hex)"
        ),
    ] = None,
    tree: Annotated[
        Path | None,
        typer.Option(
            help="The whole published tree, for okx-full-tree, bitmex (a file) and binance-2022 (a directory)"
        ),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            help="The root.json the exchange published (por-mst-v1, instead of --commitment)"
        ),
    ] = None,
) -> None:
    """Check every step of the format. Exit 0 included, 1 not included, tampered or with a
    negative balance, 2 malformed."""
    if root is not None:
        if commitment is not None:
            raise InputError("--root", None, "give --root or --commitment, not both")
        commitment = load_root(root).root_commitment
    verdict = verify_file(file, format_name=format_name, commitment=commitment, tree=tree)
    show(verdict)
    raise typer.Exit(verdict.exit_code)


@app.command("verify-all")
def verify_all(
    proofs: Annotated[Path, typer.Argument(help="Proofs, one JSON per line (por tree export)")],
    commitment: Annotated[
        str | None, typer.Option(help="The published root commitment (hex)")
    ] = None,
    root: Annotated[Path | None, typer.Option(help="The published root.json")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes (default: every core)")] = None,
) -> None:
    """Verify every por-mst-v1 proof of a file against the published commitment, on every
    core: an exchange's export before delivery, or the proofs customers received.
    Exit 0 when every proof is included, 1 otherwise (each failure named by its line)."""
    if (root is None) == (commitment is None):
        raise InputError("--root", None, "give the published --root or --commitment (one of them)")
    published = load_root(root).root_commitment if root is not None else commitment
    value = published_value(published)
    if value is None or len(value) != 64:
        raise InputError("--commitment", None, "not 32 bytes of hex")
    result = batch.verify_file(proofs, value, workers)
    for line, reason in result.failures[:20]:
        out.print(f"[bold red]NOT INCLUDED[/] line {line}: {escape(reason)}")
    if len(result.failures) > 20:
        out.print(f"... and {len(result.failures) - 20} more")
    out.print(f"{result.included} of {result.proofs} proofs included under {value}")
    raise typer.Exit(0 if result.proofs and result.included == result.proofs else 1)


def show(verdict: Verdict) -> None:
    # Everything from the file is escaped: an account named "[bold]x" is text, not markup.
    fmt = escape(verdict.format)
    what = "" if verdict.scope == "proof" else f" ({escape(verdict.scope)})"
    if not verdict.included:
        out.print(f"[bold red]NOT INCLUDED[/] ({fmt}){what}: {escape(verdict.failure or '')}")
    else:
        word = "VERIFIED" if verdict.scope.startswith("the whole tree") else "INCLUDED"
        style = "bold red" if verdict.negatives else "green"
        out.print(f"[{style}]{word}[/] ({fmt}){what}: root {escape(verdict.root)}")
        if verdict.balances:
            holdings = ", ".join(f"{s} {v}" for s, v in verdict.balances.items())
            line = f"account {verdict.account}: {holdings}" if verdict.account else holdings
            out.print(escape(line))
        if verdict.negatives:
            more = f" (and {len(verdict.negatives) - 1} more)" if len(verdict.negatives) > 1 else ""
            out.print(
                f"[bold red]FAIL[/]: negative balance at {escape(verdict.negatives[0])}{more}"
            )
    for weakness in verdict.weaknesses:
        out.print(f"[yellow]warning:[/] {escape(weakness)}")
