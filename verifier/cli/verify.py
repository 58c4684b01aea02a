"""`por verify` (the auditor) and `por self-check` (the exchange, before publishing):
the same verification of an attestation end to end."""

from pathlib import Path
from typing import Annotated

import typer

from chains.evidence import Recorder
from verifier.audit.balances import Sources, check_endpoints
from verifier.audit.run import balances_source, verify_attestation
from verifier.audit.stablecoin import verify_stablecoin
from verifier.audit.window import SAMPLES, WindowSpec
from verifier.cli.common import (
    BtcRpcOption,
    EsploraOption,
    EvidenceOutOption,
    HtmlOutOption,
    JsonOutOption,
    OfflineOption,
    OtherEntitiesOption,
    PolicyOption,
    PricesOption,
    RpcTimeoutOption,
    applied_policy,
    auditor_prices,
    evm_endpoints,
    replayed_bundle,
    request_deadline,
)
from verifier.cli.common import other_entities as other_entities_of
from verifier.cli.deliver import deliver
from verifier.cli.report_out import ForceOption, LangOption, planned_outputs
from verifier.errors import InputError
from verifier.i18n import Lang
from verifier.io.attestation import load_any_attestation
from verifier.models.stablecoin import StablecoinAttestation
from verifier.report.model import Report
from verifier.report.stablecoin import StablecoinReport, build_stablecoin_report


def command(
    attestation: Annotated[
        Path,
        typer.Argument(help="The attestation (JSON por-attestation-v1) the exchange published."),
    ],
    btc_rpc: BtcRpcOption = None,
    esplora: EsploraOption = None,
    eth_rpc: Annotated[
        str | None,
        typer.Option(
            help="Ethereum JSON-RPC URL, for every chain written ethereum:<chain id> (and "
            "evm:ethereum) that has no --rpc of its own."
        ),
    ] = None,
    rpc: Annotated[
        list[str] | None,
        typer.Option(
            help="CHAIN=URL: the JSON-RPC node of one EVM chain of the attestation, CHAIN "
            "as evm:NAME (or NAME alone) or ethereum:CHAIN_ID (either spelling); once per chain."
        ),
    ] = None,
    offline: OfflineOption = None,
    evidence_out: EvidenceOutOption = None,
    policy: PolicyOption = None,
    prices: PricesOption = None,
    other_entities: OtherEntitiesOption = None,
    json_out: JsonOutOption = None,
    html_out: HtmlOutOption = None,
    force: ForceOption = False,
    lang: LangOption = Lang.EN,
    btc_confirmations: Annotated[
        int | None, typer.Option(min=1, help="Blocks on top of the Bitcoin snapshot (default 6).")
    ] = None,
    eth_confirmations: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Blocks on top of each EVM chain's snapshot (default: the chain's in the "
            "registry, 64 for a chain it does not list).",
        ),
    ] = None,
    rpc_timeout: RpcTimeoutOption = None,
    window: Annotated[
        str | None,
        typer.Option(
            help="BEFORE:AFTER, blocks (144:144) or durations (24h:24h, by block times): "
            "also read every wallet at sample blocks around the snapshot (checks "
            "window.coverage and window.dressing)."
        ),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(help=f"Sample blocks per chain in the --window (default {SAMPLES})."),
    ] = None,
    seed: Annotated[
        str | None,
        typer.Option(
            help="Hex seed of the --window's sample (default: the hash of each chain's "
            "window's last block, which nobody could know at the snapshot)."
        ),
    ] = None,
) -> None:
    """Verify an attestation: liability commitment, ownership, balances at the snapshot,
    coverage and the regulator's policy; with --window, across the blocks around it too.
    A stablecoin issuer's (kind "stablecoin"): the token's supply on every chain against
    the declared reserves. Exit 0 pass, 1 fail, 2 inconclusive or bad input."""
    outputs = planned_outputs(
        [attestation, offline, prices, other_entities, policy],
        force,
        [(json_out, "--json"), (html_out, "--html"), (evidence_out, "--evidence-out")],
    )
    spec = _window(window, samples, seed)
    att = load_any_attestation(attestation)
    applied = applied_policy(policy, att, attestation)
    if isinstance(att, StablecoinAttestation):
        _exchange_only(
            ("--btc-rpc", btc_rpc),
            ("--esplora", esplora),
            ("--prices", prices),
            ("--other-entities", other_entities),
            ("--window", window),
        )
    evm_rpc = evm_endpoints(rpc or [])
    if offline is not None and (btc_rpc or esplora or eth_rpc or evm_rpc):
        raise InputError("--offline", None, "replays a bundle: give no endpoint with it")
    bundle = replayed_bundle(offline, evidence_out)
    recorder = Recorder() if evidence_out is not None else None
    sources = Sources(
        btc_rpc=btc_rpc,
        esplora=esplora,
        eth_rpc=eth_rpc,
        evm_rpc=evm_rpc,
        bundle=bundle,
        recorder=recorder,
        btc_confirmations=btc_confirmations,
        eth_confirmations=eth_confirmations,
        rpc_timeout=request_deadline(
            rpc_timeout,
            contacts_node=offline is None and bool(btc_rpc or esplora or eth_rpc or evm_rpc),
        ),
    )
    check_endpoints(att, sources)
    report: Report | StablecoinReport
    if isinstance(att, StablecoinAttestation):
        report = build_stablecoin_report(
            verify_stablecoin(att, sources, applied), source=balances_source(sources)
        )
    else:
        auditor, prices_source = auditor_prices(prices, att)
        report = verify_attestation(
            att,
            sources,
            applied,
            prices=auditor,
            prices_source=prices_source,
            other_entities=other_entities_of(other_entities),
            window=spec,
        )
    notes: list[str] = []
    if recorder is not None and evidence_out is not None:
        recorded = recorder.bundle
        outputs.stage(evidence_out, recorded.to_bytes())
        notes.append(f"evidence bundle {evidence_out} (sha256 {recorded.digest()})")
    deliver(report, outputs, json_out, html_out, notes, lang)


def _exchange_only(*given: tuple[str, object]) -> None:
    """Refuse the options that only an exchange's attestation takes (an option that
    cannot apply is refused, never ignored)."""
    for flag, value in given:
        if value is not None:
            raise InputError(flag, None, "applies to an exchange's attestation, not a stablecoin's")


def _window(text: str | None, samples: int | None, seed: str | None) -> WindowSpec | None:
    """The window asked for; --samples and --seed only with it (an option that cannot
    apply is refused, never ignored)."""
    if text is None:
        for flag, given in (("--samples", samples), ("--seed", seed)):
            if given is not None:
                raise InputError(flag, None, "applies only with --window")
        return None
    try:
        return WindowSpec.parse(text, samples, seed)
    except ValueError as e:
        flag = "--samples" if "samples" in str(e) else "--seed" if "seed" in str(e) else "--window"
        raise InputError(flag, None, str(e)) from None
