"""`por verify` (the auditor) and `por self-check` (the exchange, before publishing):
the same verification of an attestation end to end."""

from pathlib import Path
from typing import Annotated

import typer

from chains.evidence import Bundle, EvidenceError, Recorder
from verifier.audit.balances import Sources
from verifier.audit.run import verify_attestation
from verifier.cli.output import out
from verifier.cli.report_out import deliver
from verifier.errors import InputError
from verifier.io.attestation import load_attestation, load_other_entities, load_prices
from verifier.reconcile.policy import load_policy, presets


def command(
    attestation: Annotated[
        Path, typer.Argument(help="The attestation (JSON) the exchange published.")
    ],
    btc_rpc: Annotated[
        str | None, typer.Option(help="Bitcoin Core JSON-RPC URL (raw blocks).")
    ] = None,
    esplora: Annotated[
        str | None, typer.Option(help="Esplora REST URL (trusted for history).")
    ] = None,
    eth_rpc: Annotated[str | None, typer.Option(help="Ethereum JSON-RPC URL.")] = None,
    offline: Annotated[
        Path | None, typer.Option(help="Replay an evidence bundle instead of the network.")
    ] = None,
    evidence_out: Annotated[
        Path | None, typer.Option(help="Record every node answer into this evidence bundle.")
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            help=f"A preset ({', '.join(presets())}) or a TOML file; default: the claimed one."
        ),
    ] = None,
    prices: Annotated[Path | None, typer.Option(help="Your own prices (por-prices-v1).")] = None,
    other_entities: Annotated[
        Path | None, typer.Option(help="Other entities' addresses, one a line: none may appear.")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the report as JSON.")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report.")
    ] = None,
    btc_confirmations: Annotated[int | None, typer.Option(help="Default 6.")] = None,
    eth_confirmations: Annotated[int | None, typer.Option(help="Default 64.")] = None,
) -> None:
    """Verify an attestation: liability commitment, ownership, balances at the snapshot,
    coverage and the regulator's policy. Exit 0 pass, 1 fail, 2 inconclusive or bad input."""
    att = load_attestation(attestation)
    if policy is None and att.policy not in presets():
        raise InputError(
            str(attestation), "policy", f"{att.policy!r} is not a preset; give --policy FILE"
        )
    applied = load_policy(policy or att.policy)
    bundle = None
    if offline is not None:
        if btc_rpc or esplora or eth_rpc:
            raise InputError("--offline", None, "replays a bundle: give no endpoint with it")
        try:
            bundle = Bundle.load(offline)
        except EvidenceError as e:
            raise InputError(str(offline), None, f"evidence bundle refused: {e}") from None
    recorder = Recorder() if evidence_out is not None else None
    sources = Sources(
        btc_rpc=btc_rpc,
        esplora=esplora,
        eth_rpc=eth_rpc,
        bundle=bundle,
        recorder=recorder,
        btc_confirmations=btc_confirmations,
        eth_confirmations=eth_confirmations,
    )
    report = verify_attestation(
        att,
        sources,
        applied,
        prices=None if prices is None else load_prices(prices, att),
        prices_source="the attestation" if prices is None else f"{prices}, then the attestation",
        other_entities=None if other_entities is None else load_other_entities(other_entities),
    )
    if recorder is not None and evidence_out is not None:
        digest = recorder.bundle.save(evidence_out)
        out.print(f"evidence bundle {evidence_out} (sha256 {digest})")
    deliver(report, json_out, html_out)
