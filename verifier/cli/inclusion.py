"""`por inclusion`: a customer checks that their balance is in the published tree."""

from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.output import out
from verifier.cli.page import page
from verifier.errors import InputError
from verifier.tree.proof import Proof, parse_proof
from verifier.tree.prove import load_root
from verifier.tree.verify import InclusionVerdict, verify_proof

app = typer.Typer(no_args_is_help=True, help="Verify a customer's inclusion proof.")
app.command()(page)


def read_proof(path: Path) -> Proof:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(str(path), None, e.strerror or "cannot read") from None
    return parse_proof(raw, str(path))


def published_commitment(text: str | None) -> str | None:
    if text is None:
        return None
    value = text.strip().lower()
    if len(value) != 64 or not all(c in "0123456789abcdef" for c in value):
        raise InputError("--commitment", None, "not 32 bytes of hex")
    return value


@app.command()
def verify(
    proof: Annotated[Path, typer.Argument(help="The proof file the exchange gave you")],
    commitment: Annotated[
        str | None, typer.Option(help="The root commitment the exchange published (hex)")
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(help="The root.json the exchange published (instead of --commitment)"),
    ] = None,
) -> None:
    """Check every step of the spec. Exit 0 included, 1 not included or tampered, 2 malformed."""
    if root is not None:
        if commitment is not None:
            raise InputError("--root", None, "give --root or --commitment, not both")
        commitment = load_root(root).root_commitment
    verdict = verify_proof(read_proof(proof), published_commitment(commitment))
    show(verdict)
    raise typer.Exit(0 if verdict.included else 1)


def show(verdict: InclusionVerdict) -> None:
    if verdict.included:
        out.print(f"[green]INCLUDED[/] ({verdict.format}): root commitment {verdict.root}")
        holdings = ", ".join(f"{s} {v}" for s, v in verdict.balances.items())
        out.print(f"account {verdict.account}: {holdings}")
    else:
        out.print(f"[bold red]NOT INCLUDED[/] ({verdict.format}): {verdict.failure}")
    for warning in verdict.warnings:
        out.print(f"[yellow]warning:[/] {warning}")
