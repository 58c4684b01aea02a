"""`por chain balances`: balances of a list of addresses at a pinned snapshot.

Exit codes: 0 every balance read; 1 an answer was proven wrong (a proof that does
not verify, endpoints that disagree); 2 bad input, or inconclusive (reorg, wrong
chain, node unreachable, ...), with the reason on stderr.
"""

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from chains.evidence import Bundle, EvidenceError, Recorder
from chains.snapshot import Balances, BalancesResult, Snapshot, SnapshotError
from verifier.audit.reads import Endpoints, read_bitcoin, read_ethereum
from verifier.cli.output import err, out
from verifier.cli.style import PorGroup
from verifier.errors import InputError
from verifier.io.addresses import read_address_file

app = typer.Typer(
    cls=PorGroup, no_args_is_help=True, help="Read balances on a chain at a pinned snapshot."
)


class Source(StrEnum):
    CORE = "core"
    ESPLORA = "esplora"


class ChainName(StrEnum):
    BITCOIN = "bitcoin"
    ETHEREUM = "ethereum"


@app.command()
def balances(
    chain: ChainName = typer.Option(..., "--chain", help="bitcoin or ethereum"),
    snapshot: str = typer.Option(..., "--snapshot", help="HEIGHT:HASH of the pinned block"),
    addresses: Path = typer.Option(..., "--addresses", help="file: one address per line"),
    rpc: str | None = typer.Option(None, "--rpc", help="node URL (not needed with --offline)"),
    chain_id: int | None = typer.Option(None, "--chain-id", help="Ethereum chain id"),
    network: str | None = typer.Option(None, "--network", help="network name"),
    token: str | None = typer.Option(None, "--token", help="ERC-20 contract (default: ETH)"),
    balance_slot: int | None = typer.Option(
        None, "--balance-slot", help="storage slot of the token's balance mapping (--proofs)"
    ),
    source: Source = typer.Option(
        Source.CORE, "--source", help="Bitcoin: core (raw blocks) or esplora (REST history)"
    ),
    from_height: int | None = typer.Option(
        None, "--from-height", min=0, help="Bitcoin core: first block to read (default 0)"
    ),
    confirmations: int | None = typer.Option(
        None, "--confirmations", help="required depth (default 6 Bitcoin, 64 Ethereum)"
    ),
    proofs: bool = typer.Option(False, "--proofs", help="Ethereum: verify eth_getProof proofs"),
    cross_check: str | None = typer.Option(
        None, "--cross-check", help="second node URL: every balance must agree"
    ),
    offline: Path | None = typer.Option(
        None, "--offline", help="replay this evidence bundle instead of the network"
    ),
    evidence_out: Path | None = typer.Option(
        None, "--evidence-out", help="write the evidence bundle here"
    ),
    batch_size: int = typer.Option(100, "--batch-size", min=1, help="calls per JSON-RPC batch"),
    chunk_size: int = typer.Option(
        500, "--chunk-size", min=1, help="Ethereum: addresses per multicall"
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Print each address's balance in base units, and the total."""
    ethereum_only = {
        "--chain-id": chain_id,
        "--token": token,
        "--balance-slot": balance_slot,
        "--proofs": proofs or None,
    }
    bitcoin_only = {
        "--from-height": from_height,
        "--source": None if source is Source.CORE else source,
    }
    foreign, only_for = (
        (bitcoin_only, "Bitcoin") if chain is ChainName.ETHEREUM else (ethereum_only, "Ethereum")
    )
    for flag, value in foreign.items():
        if value is not None:
            raise InputError(flag, None, f"is for {only_for} only")
    if confirmations is not None and confirmations < 1:
        raise InputError("--confirmations", None, "must be at least 1")
    bundle = _load_bundle(offline, evidence_out)
    if bundle is None and rpc is None:
        raise InputError("--rpc", None, "a node URL is needed (or --offline BUNDLE)")
    try:
        snap = Snapshot.parse(snapshot, prefix="0x" if chain is ChainName.ETHEREUM else "")
    except SnapshotError as e:
        raise InputError("--snapshot", None, str(e)) from None
    addrs = read_address_file(addresses, chain.value)
    recorder = None if bundle is not None else Recorder()
    endpoints = Endpoints(rpc, cross_check, recorder, bundle)
    if chain is ChainName.ETHEREUM:
        result = read_ethereum(
            endpoints,
            snap,
            addrs,
            chain_id=chain_id,
            network=network,
            token=token,
            balance_slot=balance_slot,
            confirmations=confirmations,
            proofs=proofs,
            batch_size=batch_size,
            chunk_size=chunk_size,
        )
    else:
        result = read_bitcoin(
            endpoints,
            snap,
            addrs,
            network=network,
            source=source.value,
            from_height=from_height,
            confirmations=confirmations,
            batch_size=batch_size,
        )
    evidence = _evidence(recorder, bundle, offline, evidence_out, proofs, cross_check)
    _report(chain.value, snap, result, evidence, as_json)


def _load_bundle(offline: Path | None, evidence_out: Path | None) -> Bundle | None:
    if offline is None:
        return None
    if evidence_out is not None:
        raise InputError("--evidence-out", None, "an offline replay records nothing new")
    try:
        return Bundle.load(offline)
    except EvidenceError as e:
        raise InputError("--offline", None, str(e)) from None


def _evidence(
    recorder: Recorder | None,
    bundle: Bundle | None,
    offline: Path | None,
    evidence_out: Path | None,
    proofs: bool,
    cross_check: str | None,
) -> dict[str, Any]:
    used = bundle if bundle is not None else recorder.bundle if recorder else Bundle()
    if evidence_out is not None:
        try:
            used.save(evidence_out)
        except OSError as e:
            raise InputError(str(evidence_out), None, f"cannot write ({e.strerror})") from None
    return {
        "mode": "offline" if offline is not None else "online",
        "file": str(offline or evidence_out) if (offline or evidence_out) else None,
        "sha256": used.digest(),
        "records": len(used.records),
        "endpoints": used.endpoints,
        "proofs": proofs,
        "cross_check": cross_check is not None,
        "notes": used.notes,
    }


def _report(
    chain: str, snap: Snapshot, result: BalancesResult, evidence: dict[str, Any], as_json: bool
) -> None:
    if not isinstance(result, Balances):
        err.print(f"por: {result.verdict}: {result.reason}: {result.message}", markup=False)
        raise typer.Exit(1 if result.verdict == "fail" else 2)
    if as_json:
        doc = {
            "chain": chain,
            "snapshot": {"height": snap.height, "hash": snap.block_hash},
            "asset": result.asset,
            "balances": [
                {"address": b.address, "balance": str(b.balance)} for b in result.balances
            ],
            "total": str(result.total),
            "evidence": evidence,
        }
        out.print(json.dumps(doc, indent=1), markup=False)
        return
    width = max(len(b.address) for b in result.balances)
    for b in result.balances:
        out.print(f"{b.address:<{width}}  {b.balance}", markup=False)
    out.print(
        f"{'total':<{width}}  {result.total} ({result.asset} base units, block {snap})",
        markup=False,
    )
