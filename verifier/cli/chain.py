"""`por chain balances`: balances of a list of addresses at a pinned snapshot.

Exit codes: 0 every balance read; 1 an answer was proven wrong (a proof that does
not verify, endpoints that disagree); 2 bad input, or inconclusive (reorg, wrong
chain, node unreachable, ...), with the reason on stderr.
"""

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from chains.evidence import Bundle, Recorder
from chains.names import ChainNameError, parse_chain
from chains.snapshot import Balances, BalancesResult, Snapshot, SnapshotError
from verifier.audit.reads import Endpoints, read_bitcoin, read_ethereum
from verifier.cli.common import (
    EvidenceOutOption,
    OfflineOption,
    RpcTimeoutOption,
    replayed_bundle,
    request_deadline,
)
from verifier.cli.output import err, out
from verifier.cli.report_out import ForceOption, planned_outputs
from verifier.cli.style import PorGroup
from verifier.errors import InputError
from verifier.io.addresses import read_address_file
from verifier.io.outputs import Outputs

app = typer.Typer(
    cls=PorGroup, no_args_is_help=True, help="Read balances on a chain at a pinned snapshot."
)


class Source(StrEnum):
    CORE = "core"
    ESPLORA = "esplora"


def _chain(text: str, chain_id: int | None, network: str | None) -> tuple[str, int | None]:
    """--chain as the family of addresses to read ("bitcoin" or "ethereum") and, for an
    EVM chain named by `evm:NAME` or `ethereum:CHAIN_ID`, its chain id (which --chain-id
    may repeat but not contradict; --network has nothing left to say)."""
    if text in ("bitcoin", "ethereum"):
        return text, chain_id
    try:
        ref = parse_chain(text)
    except ChainNameError as e:
        raise InputError("--chain", None, f"{e} (or: bitcoin, ethereum)") from None
    if ref.family == "bitcoin":
        raise InputError("--chain", None, "Bitcoin is --chain bitcoin --network NAME")
    if network is not None:
        raise InputError("--network", None, f"--chain {text} names the chain already")
    if chain_id is not None and chain_id != ref.chain_id:
        raise InputError("--chain-id", None, f"{chain_id} is not {text}'s chain id {ref.chain_id}")
    return "ethereum", ref.chain_id


@app.command()
def balances(
    chain: Annotated[
        str,
        typer.Option(
            help="bitcoin, ethereum (with --chain-id or --network), evm:NAME (a chain of "
            "the registry: ethereum, bsc, polygon, arbitrum, optimism, base, avalanche and "
            "their testnets) or ethereum:CHAIN_ID"
        ),
    ],
    snapshot: Annotated[str, typer.Option(help="HEIGHT:HASH of the pinned block")],
    addresses: Annotated[
        Path,
        typer.Option(
            help="Text file, one address per line ('#' comments): Ethereum 0x addresses "
            "(EIP-55 checked), or Bitcoin addresses, pk(HEX) and raw(HEX) scripts"
        ),
    ],
    rpc: Annotated[str | None, typer.Option(help="node URL (not needed with --offline)")] = None,
    chain_id: Annotated[int | None, typer.Option(help="Ethereum chain id")] = None,
    network: Annotated[str | None, typer.Option(help="network name")] = None,
    token: Annotated[str | None, typer.Option(help="ERC-20 contract (default: ETH)")] = None,
    balance_slot: Annotated[
        int | None,
        typer.Option(min=0, help="storage slot of the token's balance mapping (--proofs)"),
    ] = None,
    source: Annotated[
        Source, typer.Option(help="Bitcoin: core (raw blocks) or esplora (REST history)")
    ] = Source.CORE,
    from_height: Annotated[
        int | None, typer.Option(min=0, help="Bitcoin core: first block to read (default 0)")
    ] = None,
    confirmations: Annotated[
        int | None,
        typer.Option(
            help="required depth (default 6 Bitcoin; EVM: the registry's for the chain, 64 "
            "for a chain it does not list)"
        ),
    ] = None,
    proofs: Annotated[bool, typer.Option(help="Ethereum: verify eth_getProof proofs")] = False,
    cross_check: Annotated[
        str | None, typer.Option(help="second node URL: every balance must agree")
    ] = None,
    offline: OfflineOption = None,
    evidence_out: EvidenceOutOption = None,
    force: ForceOption = False,
    rpc_timeout: RpcTimeoutOption = None,
    batch_size: Annotated[int, typer.Option(min=1, help="calls per JSON-RPC batch")] = 100,
    chunk_size: Annotated[int, typer.Option(min=1, help="Ethereum: addresses per multicall")] = 500,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Print each address's balance in base units, and the total."""
    family, chain_id = _chain(chain, chain_id, network)
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
        (bitcoin_only, "Bitcoin") if family == "ethereum" else (ethereum_only, "Ethereum")
    )
    for flag, value in foreign.items():
        if value is not None:
            raise InputError(flag, None, f"is for {only_for} only")
    if confirmations is not None and confirmations < 1:
        raise InputError("--confirmations", None, "must be at least 1")
    outputs = planned_outputs([addresses, offline], force, [(evidence_out, "--evidence-out")])
    bundle = replayed_bundle(offline, evidence_out)
    if bundle is None and rpc is None:
        raise InputError("--rpc", None, "a node URL is needed (or --offline BUNDLE)")
    try:
        snap = Snapshot.parse(snapshot, prefix="0x" if family == "ethereum" else "")
    except SnapshotError as e:
        raise InputError("--snapshot", None, str(e)) from None
    addrs = read_address_file(addresses, family)
    recorder = None if bundle is not None else Recorder()
    deadline = request_deadline(rpc_timeout, contacts_node=bundle is None)
    endpoints = Endpoints(rpc, cross_check, recorder, bundle, timeout=deadline)
    if family == "ethereum":
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
    evidence = _evidence(recorder, bundle, outputs, offline, evidence_out, proofs, cross_check)
    _report(chain, snap, result, evidence, as_json)


def _evidence(
    recorder: Recorder | None,
    bundle: Bundle | None,
    outputs: Outputs,
    offline: Path | None,
    evidence_out: Path | None,
    proofs: bool,
    cross_check: str | None,
) -> dict[str, Any]:
    used = bundle if bundle is not None else recorder.bundle if recorder else Bundle()
    if evidence_out is not None:
        outputs.stage(evidence_out, used.to_bytes())
        outputs.commit()
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
