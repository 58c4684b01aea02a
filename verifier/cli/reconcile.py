"""`por reconcile`: the reconciliation and report on balances given in a file.

For an exchange's self-check before it publishes, and for an auditor who read the
chains by other means. It does not read chains, check signatures or recompute the
liability tree (`por verify` does); the report says so.
"""

from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.common import (
    HtmlOutOption,
    JsonOutOption,
    OtherEntitiesOption,
    PolicyOption,
    PricesOption,
    applied_policy,
    auditor_prices,
)
from verifier.cli.common import other_entities as other_entities_of
from verifier.cli.deliver import deliver
from verifier.cli.report_out import ForceOption, LangOption, planned_outputs
from verifier.i18n import N_, Lang
from verifier.io.attestation import load_attestation, load_balances
from verifier.reconcile.reconciler import reconcile
from verifier.report.build import build_report

NOT_CHECKED = N_(
    "`por reconcile` took balances, block heights and ownership results from the balances "
    "file as given: it did not read the chains, check the ownership signatures or recompute "
    "the liability root commitment (`por verify` does)."
)


def command(
    attestation: Annotated[
        Path, typer.Argument(help="The attestation (JSON) an exchange publishes.")
    ],
    balances: Annotated[
        Path,
        typer.Option(
            help="Per-wallet balances and ownership results (JSON por-balances-v1: format, "
            "wallets [{chain, address or script, height, block_hash, balances {SYMBOL: "
            "{units | inconclusive}}, ownership {status, reason}}])."
        ),
    ],
    policy: PolicyOption = None,
    prices: PricesOption = None,
    other_entities: OtherEntitiesOption = None,
    json_out: JsonOutOption = None,
    html_out: HtmlOutOption = None,
    force: ForceOption = False,
    lang: LangOption = Lang.EN,
) -> None:
    """Reconcile an attestation against given balances under a regulator's policy.
    Exit 0 pass, 1 fail, 2 inconclusive or bad input."""
    outputs = planned_outputs(
        [attestation, balances, prices, other_entities, policy],
        force,
        [(json_out, "--json"), (html_out, "--html")],
    )
    att = load_attestation(attestation)
    applied = applied_policy(policy, att, attestation)
    auditor, prices_source = auditor_prices(prices, att)
    rec = reconcile(
        att,
        load_balances(balances, att),
        applied,
        prices=auditor,
        other_entities=other_entities_of(other_entities),
    )
    report = build_report(
        rec,
        balances_source=N_("the balances file {file}").format(file=balances),
        prices_source=prices_source,
        limitations=[NOT_CHECKED],
    )
    deliver(report, outputs, json_out, html_out, lang=lang)
