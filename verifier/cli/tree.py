"""`por tree`: the exchange builds its liability tree, cuts proofs, and the auditor recomputes it."""

from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.output import print_checks, progress_bar, reporter
from verifier.cli.report_out import FORCE, ForceOption, planned_outputs
from verifier.cli.style import PorGroup
from verifier.errors import InputError
from verifier.io.assets import parse_asset_list
from verifier.io.ledger import Ledger
from verifier.io.outputs import Outputs
from verifier.io.tree import load_root, read_account_ids
from verifier.models.check import EXIT_CODES, overall
from verifier.tree.audit import audit_tree
from verifier.tree.build import (
    TREE_FILES,
    build_tree,
    parse_memory,
    parse_nonce_key,
    totals_text,
)
from verifier.tree.lookup import write_lookup
from verifier.tree.prove import Prover, proof_json
from verifier.tree.store import LAYOUTS, Accounts

app = typer.Typer(
    cls=PorGroup,
    no_args_is_help=True,
    help="Build a por-mst-v1 liability tree, cut proofs, audit it.",
)

Assets = Annotated[
    str, typer.Option(help="Ordered asset list, SYMBOL:DECIMALS,... e.g. BTC:8,ETH:18,USDT:6")
]


NegativeOption = Annotated[
    str,
    typer.Option(
        help="'error' (default): a negative balance (customer debt) is bad input; "
        "'zero': count it as zero liability"
    ),
]


def debt_as_zero(negative: str) -> bool:
    """--negative, checked: any other word is refused, never taken for 'error'."""
    if negative not in ("error", "zero"):
        raise InputError("--negative", None, f"{negative!r} is not 'error' or 'zero'")
    return negative == "zero"


@app.command()
def build(
    ledger: Annotated[
        Path,
        typer.Argument(
            help="CSV or Parquet ledger: column account_id, then one column per asset of "
            "--assets holding each balance in whole units as exact decimal text (0.00012)"
        ),
    ],
    assets: Assets,
    snapshot_id: Annotated[str, typer.Option(help="The snapshot this tree commits to")],
    out: Annotated[Path, typer.Option(help="Directory for root.json, tree.bin, accounts.sqlite")],
    height: Annotated[int, typer.Option(help="Tree height H: capacity 2^H accounts")] = 32,
    nonce_key: Annotated[
        str | None,
        typer.Option(
            help="Hex key: derive nonces (and so the order) from it, for reproducible trees"
        ),
    ] = None,
    negative: NegativeOption = "error",
    memory: Annotated[
        str,
        typer.Option(
            help="Peak memory of the build, e.g. 2G or 512M: the leaves are sorted in "
            "partitions on disk (inside --out) that fit in it, at any ledger size"
        ),
    ] = "2G",
    layout: Annotated[
        str,
        typer.Option(
            help="tree.bin's layout: dense (version 1, the default) or sparse (version 2: "
            "levels 0 and 1 without their zero sums, for many assets of which an account "
            "holds few; same root and proofs, see the README)"
        ),
    ] = "dense",
    force: Annotated[
        bool,
        typer.Option(
            FORCE,
            help="Build into a DIR that already holds a tree (its root.json, tree.bin and "
            "accounts.sqlite are replaced and its old nonces are lost for good) or other "
            "files (kept). The ledger is never written over; the new tree appears only "
            "when the build succeeded.",
        ),
    ] = False,
) -> None:
    """Build the tree from a ledger: random nonces and order unless --nonce-key is given."""
    key = parse_nonce_key(nonce_key) if nonce_key is not None else None
    budget = parse_memory(memory)
    if layout not in LAYOUTS:
        raise InputError("--layout", None, f"{layout!r} is not {' or '.join(LAYOUTS)}")
    book = Ledger(ledger, parse_asset_list(assets), negative_to_zero=debt_as_zero(negative))
    outputs = Outputs([ledger], force=force, force_flag=FORCE)
    outputs.add_directory(out, "--out", TREE_FILES)
    with outputs, progress_bar() as bar:
        result = build_tree(
            book,
            snapshot_id,
            height,
            out,
            key,
            reporter(bar),
            outputs=outputs,
            memory=budget,
            layout=layout,
        )
    root = result.root
    print(f"built {root.account_count} accounts into {out} (height {root.height})")
    print(f"root_commitment {root.root_commitment}")
    print("totals " + ", ".join(totals_text(root)))
    if result.negatives_zeroed:
        print(
            f"{result.negatives_zeroed} negative balances counted as zero liabilities (--negative zero)"
        )


@app.command()
def index(
    directory: Annotated[Path, typer.Argument(help="A built tree's directory")],
    force: ForceOption = False,
) -> None:
    """Write DIR/lookup.bin, the index proofs are cut through, from DIR/accounts.sqlite:
    for a tree built before it existed, or one whose lookup.bin does not match."""
    root = load_root(directory / "root.json")
    target = directory / "lookup.bin"
    inputs = [directory / name for name in TREE_FILES if name != "lookup.bin"]
    outputs = planned_outputs(inputs, force, [(target, "lookup.bin")])
    with outputs:
        write_lookup(directory, root.account_count, bytes.fromhex(root.root_commitment), outputs)
    print(f"wrote {target} ({root.account_count} accounts)")


@app.command()
def proof(
    directory: Annotated[Path, typer.Argument(help="A built tree's directory")],
    account_id: Annotated[str, typer.Argument()],
) -> None:
    """Print one account's inclusion proof (the spec's JSON)."""
    print(proof_json(Prover(directory).proof(account_id)))


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="A built tree's directory")],
    out: Annotated[Path, typer.Option(help="JSON Lines file, one proof per line")],
    accounts: Annotated[Path | None, typer.Option(help="File with one account id per line")] = None,
    force: ForceOption = False,
) -> None:
    """Write proofs for every account (or the listed ones), one per line, for delivery."""
    tree_files = [directory / name for name in TREE_FILES]
    outputs = planned_outputs([*tree_files, accounts], force, [(out, "--out")])
    prover = Prover(directory)
    count = 0
    with outputs, open(outputs.temporary(out), "w", encoding="utf-8") as f:
        lines = prover.all_lines() if accounts is None else prover.lines(read_account_ids(accounts))
        for line in lines:
            f.write(line)
            count += 1
    print(f"wrote {count} proofs to {out}")


@app.command()
def audit(
    ledger: Annotated[Path, typer.Argument(help="The full ledger the tree was built from")],
    root: Annotated[Path, typer.Option(help="The published root.json")],
    accounts: Annotated[
        Path,
        typer.Option(
            help="The exchange's private accounts.sqlite from tree build (account id, nonce, "
            "leaf index)"
        ),
    ],
    negative: NegativeOption = "error",
) -> None:
    """Recompute the whole tree from the ledger and compare it with root.json. Exit 0 only on a match."""
    published = load_root(root)
    book = Ledger(ledger, published.assets, negative_to_zero=debt_as_zero(negative))
    result = audit_tree(book, published, Accounts(accounts))
    print_checks(result.checks)
    raise typer.Exit(EXIT_CODES[overall(result.checks)])
