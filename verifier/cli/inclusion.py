"""`por inclusion`: a customer checks that their balance is in the published tree."""

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from verifier.cli.output import out
from verifier.errors import InputError
from verifier.tree.proof import InclusionProof
from verifier.tree.prove import validation_error
from verifier.tree.verify import InclusionVerdict, verify_proof

app = typer.Typer(no_args_is_help=True, help="Verify a customer's inclusion proof.")


def read_proof(path: Path) -> InclusionProof:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(str(path), None, e.strerror or "cannot read") from None
    try:
        return InclusionProof.model_validate_json(raw)
    except ValidationError as e:
        raise validation_error(str(path), e) from None


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
) -> None:
    """Check every step of the spec. Exit 0 included, 1 not included or tampered, 2 malformed."""
    verdict = verify_proof(read_proof(proof), published_commitment(commitment))
    show(verdict)
    raise typer.Exit(0 if verdict.included else 1)


def show(verdict: InclusionVerdict) -> None:
    if verdict.included:
        out.print(f"[green]INCLUDED[/] ({verdict.format}): root commitment {verdict.root}")
    else:
        out.print(f"[bold red]NOT INCLUDED[/] ({verdict.format}): {verdict.failure}")
    for warning in verdict.warnings:
        out.print(f"[yellow]warning:[/] {warning}")
