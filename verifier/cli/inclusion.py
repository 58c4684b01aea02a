"""`por inclusion`: a customer checks that their balance is in the published tree,
in our format or in the format their exchange publishes.

Exit 0 only when the root reached was compared with a value the exchange published:
a file checked only against itself is inconclusive (exit 2), every check still shown.
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from verifier.cli.output import out, safe
from verifier.cli.page import page
from verifier.cli.style import PorGroup
from verifier.errors import InputError
from verifier.io.tree import load_root
from verifier.tree import batch
from verifier.tree.batch import BatchResult
from verifier.tree.formats import BY_NAME, verify_file
from verifier.tree.formats.source import published_value
from verifier.tree.formats.verdict import Verdict
from verifier.tree.verify import NOT_COMPARED

app = typer.Typer(cls=PorGroup, no_args_is_help=True, help="Verify a customer's inclusion proof.")
app.command()(page)

INCONCLUSIVE = "[bold yellow]INCONCLUSIVE[/]"


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
            help="The published value: the root commitment (por-mst-v1) or root hash (hex). "
            "Without it (or --root) the result is inconclusive, exit 2"
        ),
    ] = None,
    tree: Annotated[
        Path | None,
        typer.Option(
            help="The whole published tree, for the customer's file of okx-full-tree, bitmex "
            "(a file) and binance-2022 (a directory); refused for any other file"
        ),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            help="The root.json the exchange published (por-mst-v1, instead of --commitment)"
        ),
    ] = None,
) -> None:
    """Check every step of the format. Exit 0 included under the published root, 1 not
    included, tampered or with a negative balance, 2 malformed, or inconclusive: every
    check passed but no published root (--commitment or --root) was given to compare."""
    if root is not None:
        if commitment is not None:
            raise InputError("--root", None, "give --root or --commitment, not both")
        commitment = load_root(root).root_commitment
    verdict = verify_file(file, format_name=format_name, commitment=commitment, tree=tree)
    show(verdict)
    raise typer.Exit(verdict.exit_code)


@app.command("verify-all")
def verify_all(
    proofs: Annotated[
        Path,
        typer.Argument(
            help="Proofs, one JSON per line (por tree export), or customer files of "
            "binance-zk, gate-zk or htx-zk, one a line"
        ),
    ],
    commitment: Annotated[
        str | None,
        typer.Option(
            help="The published root commitment (hex). The number of proofs cannot be "
            "checked from it: give --root for that, or --subset"
        ),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            help="The published root.json: its commitment, and its account_count, which "
            "the number of proofs must match (unless --subset)"
        ),
    ] = None,
    subset: Annotated[
        bool,
        typer.Option(
            "--subset",
            help="The file holds the proofs of some accounts only (tree export --accounts, "
            "or the proofs customers sent): their number is not checked, and the output says so",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            help=f"Processes, 1 to {batch.WORKERS_PER_CORE} x the cores "
            "(default: one per core); any other count is refused"
        ),
    ] = None,
) -> None:
    """Verify every por-mst-v1 proof (or zk-family customer file) of a file against the
    published root, on every core,
    and the file as a whole: no account id or leaf index twice, and (with --root) one
    proof for each account root.json declares. For an exchange's export before delivery,
    or the proofs customers received (--subset).
    Exit 0 when every proof is included under the published root and the file is whole
    (or --subset), 1 when a proof fails (each named by its line), a line repeats an
    account or a leaf (both lines named) or proofs are missing, 2 for an empty file, or
    inconclusive: no published root given, or no root.json to count against (--commitment
    without --subset)."""
    if root is not None and commitment is not None:
        raise InputError("--root", None, "give --root or --commitment, not both")
    published_root = load_root(root) if root is not None else None
    published = published_value(
        published_root.root_commitment if published_root is not None else commitment
    )
    if published is not None and len(published) != 64:
        raise InputError("--commitment", None, "not 32 bytes of hex")
    result = batch.verify_file(
        proofs,
        published,
        workers,
        expected=published_root.account_count if published_root is not None else None,
        subset=subset,
    )
    show_batch(result)
    raise typer.Exit({"pass": 0, "fail": 1, "inconclusive": 2}[result.status])


def text(value: str) -> str:
    """Text from the file as the terminal may show it: control characters escaped, and
    no markup (an account named "[bold]x" is text)."""
    return escape(safe(value))


def show(verdict: Verdict) -> None:
    """The verdict first (a failure before an uncompared root), then what was checked,
    the negatives and the weaknesses."""
    fmt = text(verdict.format)
    what = "" if verdict.scope == "proof" else f" ({text(verdict.scope)})"
    root = text(verdict.root)
    negative = ""
    if verdict.negatives:
        more = f" (and {len(verdict.negatives) - 1} more)" if len(verdict.negatives) > 1 else ""
        negative = f"negative balance at {text(verdict.negatives[0])}{more}"
    if not verdict.included:
        out.print(f"[bold red]NOT INCLUDED[/] ({fmt}){what}: {text(verdict.failure or '')}")
    elif not verdict.compared and negative:
        out.print(f"[bold red]FAIL[/] ({fmt}){what}: {negative}")
        out.print(f"every check passed up to root {root}, not compared with a published value")
    elif not verdict.compared:
        out.print(f"{INCONCLUSIVE} ({fmt}){what}: {NOT_COMPARED}")
        with_root = " or --root root.json" if verdict.format == "por-mst-v1" else ""
        out.print(
            f"every check passed up to root {root}: to finish, give --commitment "
            f"with the value the exchange published{with_root}"
        )
    else:
        word = "VERIFIED" if verdict.scope.startswith("the whole tree") else "INCLUDED"
        style = "bold red" if negative else "green"
        out.print(f"[{style}]{word}[/] ({fmt}){what}: root {root}")
    if verdict.included:
        if verdict.balances:
            holdings = ", ".join(f"{s} {v}" for s, v in verdict.balances.items())
            line = f"account {verdict.account}: {holdings}" if verdict.account else holdings
            out.print(text(line))
        if negative and verdict.compared:
            out.print(f"[bold red]FAIL[/]: {negative}")
    for weakness in verdict.weaknesses:
        out.print(f"[yellow]warning:[/] {text(weakness)}")


SHOWN = 20  # failures and duplicates listed each; the rest are counted


def show_batch(result: BatchResult) -> None:
    """Each failure and repeat by its line, then the counts, then why it is not a pass."""
    for line, reason in result.failures[:SHOWN]:
        out.print(f"[bold red]NOT INCLUDED[/] line {line}: {text(reason)}")
    if len(result.failures) > SHOWN:
        out.print(f"... and {len(result.failures) - SHOWN} more proofs not included")
    for d in result.duplicates[:SHOWN]:
        out.print(f"[bold red]DUPLICATE[/] line {d.line}: the {d.what} of line {d.first} again")
    if len(result.duplicates) > SHOWN:
        out.print(f"... and {len(result.duplicates) - SHOWN} more lines repeating another")
    under = "under" if result.compared else "under the first proof's own commitment"
    out.print(f"{result.included} of {result.proofs} proofs included {under} {result.published}")
    if result.count_mismatch:
        assert result.expected is not None
        gap = result.expected - result.proofs
        missing = f"{gap} missing" if gap > 0 else f"{-gap} more than it declares"
        out.print(
            f"[bold red]INCOMPLETE[/]: {result.proofs} proofs for the {result.expected} "
            f"accounts root.json declares: {missing}"
        )
    elif result.completeness_checked:
        out.print(f"one proof for each of the {result.expected} accounts root.json declares")
    elif result.subset:
        out.print(
            "completeness not checked (--subset): the tree may hold accounts whose proofs "
            "are not in this file"
        )
    else:
        out.print(
            "completeness not checked: the number of accounts is in root.json (give --root), "
            "or say --subset to check only the proofs in this file"
        )
    if result.status == "inconclusive":
        why = NOT_COMPARED if not result.compared else "completeness not checked"
        out.print(f"{INCONCLUSIVE}: {why}")
