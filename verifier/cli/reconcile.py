"""`por reconcile`: the reconciliation and report on balances given in a file.

For an exchange's self-check before it publishes, and for an auditor who read the
chains by other means. It does not read chains, check signatures or recompute the
liability tree (`por verify` does); the report says so.
"""

from pathlib import Path

import typer

from verifier.cli.report_out import deliver
from verifier.errors import InputError
from verifier.io.attestation import (
    load_attestation,
    load_balances,
    load_other_entities,
    load_prices,
)
from verifier.reconcile.policy import load_policy, presets
from verifier.reconcile.reconciler import reconcile
from verifier.report.build import build_report

NOT_CHECKED = (
    "`por reconcile` took balances, block heights and ownership results from the balances "
    "file as given: it did not read the chains, check the ownership signatures or recompute "
    "the liability root commitment (`por verify` does)."
)


def command(
    attestation: Path = typer.Argument(..., help="The attestation (JSON) an exchange publishes."),
    balances: Path = typer.Option(
        ..., "--balances", help="Per-wallet balances and ownership results (por-balances-v1)."
    ),
    policy: str | None = typer.Option(
        None,
        "--policy",
        help=f"A preset ({', '.join(presets())}) or a policy TOML file; "
        "default: the policy the attestation claims.",
    ),
    prices: Path | None = typer.Option(
        None, "--prices", help="Your own prices (por-prices-v1), replacing the attestation's."
    ),
    other_entities: Path | None = typer.Option(
        None, "--other-entities", help="Other entities' addresses, one a line: none may appear."
    ),
    json_out: Path | None = typer.Option(None, "--json", help="Write the whole report as JSON."),
    html_out: Path | None = typer.Option(
        None, "--html", help="Write a self-contained HTML report."
    ),
) -> None:
    """Reconcile an attestation against given balances under a regulator's policy.
    Exit 0 pass, 1 fail, 2 inconclusive or bad input."""
    att = load_attestation(attestation)
    if policy is None and att.policy not in presets():
        problem = f"{att.policy!r} is not a preset; give --policy FILE"
        raise InputError(str(attestation), "policy", problem)
    applied = load_policy(policy or att.policy)
    rec = reconcile(
        att,
        load_balances(balances, att),
        applied,
        prices=None if prices is None else load_prices(prices, att),
        other_entities=None if other_entities is None else load_other_entities(other_entities),
    )
    report = build_report(
        rec,
        balances_source=f"the balances file {balances}",
        prices_source="the attestation" if prices is None else f"{prices}, then the attestation",
        limitations=[NOT_CHECKED],
    )
    deliver(report, json_out, html_out)
