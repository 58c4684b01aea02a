"""`por administer`: the independent administrator's return plan, and its check.

Both first establish, in the same run, that the ledger reproduces the liability tree
and that the report is of an attestation of that tree: otherwise exit 1 (a mismatch)
or 2 (bad input), and no plan."""

from pathlib import Path
from typing import Annotated

import typer

from verifier.administer.allocate import ReserveUse
from verifier.administer.check import check_plan, plan_rule
from verifier.administer.run import Prepared, prepare_plan
from verifier.administer.write import declare_plan, write_plan
from verifier.cli.output import out, print_checks, progress_bar, reporter
from verifier.cli.report_out import FORCE, ForceOption
from verifier.cli.style import PorGroup
from verifier.cli.tree import NegativeOption, debt_as_zero
from verifier.io.ledger import Ledger
from verifier.io.outputs import Outputs
from verifier.io.report import load_report
from verifier.io.tree import load_root
from verifier.models.check import EXIT_CODES, Status, overall
from verifier.tree.build import TREE_FILES
from verifier.tree.store import Accounts

app = typer.Typer(
    cls=PorGroup,
    no_args_is_help=True,
    help="The independent administrator: a return plan for the customers, and its check.",
)

LedgerOption = Annotated[
    Path, typer.Option(help="The full ledger (CSV or Parquet) the liability tree was built from")
]
TreeOption = Annotated[
    Path, typer.Option(help="The liability tree's directory (root.json, accounts.sqlite)")
]
ReportOption = Annotated[
    Path, typer.Option(help="The `por verify --json` report of the tree's attestation")
]


def _prepared(
    ledger: Path, tree: Path, report: Path, negative: str, rule: ReserveUse
) -> tuple[Prepared, int]:
    """The checks on the inputs and the plan; the liability tree's height."""
    root = load_root(tree / "root.json")
    accounts = Accounts(tree / "accounts.sqlite")
    book = Ledger(ledger, root.assets, negative_to_zero=debt_as_zero(negative))
    prepared = prepare_plan(book, root, accounts, load_report(report), str(report), rule)
    print_checks(prepared.checks)
    return prepared, root.height


@app.command()
def plan(
    ledger: LedgerOption,
    tree: TreeOption,
    report: ReportOption,
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out",
            help="PLAN_DIR: plan.parquet, plan.csv, summary.json and the entitlement tree in tree/",
        ),
    ],
    reserve_use: Annotated[
        str,
        typer.Option(
            help="How the reserve makes up shortfalls it cannot fill: 'pro-rata' (to each "
            "shortfall's value) or 'smallest-first'"
        ),
    ] = "pro-rata",
    negative: NegativeOption = "error",
    force: ForceOption = False,
) -> None:
    """Plan the return of customer assets: in kind per asset, pro rata when short, then
    the liability reserve in the reporting currency."""
    rule = ReserveUse.named(reserve_use, "--reserve-use")
    inputs = [ledger, report, *(tree / name for name in TREE_FILES)]
    outputs = Outputs(inputs, force=force, force_flag=FORCE)
    declare_plan(outputs, out_dir, "--out")
    prepared, height = _prepared(ledger, tree, report, negative, rule)
    if prepared.plan is None:
        raise typer.Exit(EXIT_CODES[overall(prepared.checks)])
    with outputs, progress_bar() as bar:
        summary = write_plan(prepared.plan, height, out_dir, ledger, outputs, reporter(bar))
    for a in summary.assets:
        out.print(
            f"{a.symbol}: claims {a.claims}, distributable {a.distributable} (ratio {a.ratio}), "
            f"paid in kind {a.paid_in_kind}, residue {a.residue}, top-up {a.fiat_topup} "
            f"{summary.currency} units",
            markup=False,
        )
    r = summary.reserve
    out.print(
        f"reserve ({r.rule}): counted {r.counted}, used {r.used}, unmet {r.unmet} "
        f"{summary.currency} units",
        markup=False,
    )
    out.print(f"entitlement root_commitment {summary.entitlement_root_commitment}")
    out.print(f"wrote the plan for {summary.accounts} accounts into {out_dir}", markup=False)


@app.command()
def check(
    plan_dir: Annotated[Path, typer.Argument(help="The PLAN_DIR of `administer plan`")],
    ledger: LedgerOption,
    tree: TreeOption,
    report: ReportOption,
    negative: NegativeOption = "error",
) -> None:
    """Recompute a plan from the same inputs and compare it file by file; exit 0 only
    when every file is as recomputed, else name the first account that differs."""
    rule = plan_rule(plan_dir)
    prepared, height = _prepared(ledger, tree, report, negative, rule)
    if prepared.plan is None:
        raise typer.Exit(EXIT_CODES[overall(prepared.checks)])
    checks = check_plan(prepared.plan, height, plan_dir, ledger)
    print_checks(checks)
    verdict = overall(checks)
    out.print(
        "the plan is as recomputed" if verdict is Status.PASS else "the plan differs",
        markup=False,
    )
    raise typer.Exit(EXIT_CODES[verdict])
