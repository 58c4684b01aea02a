"""`por ownership verify`: does the exchange control the addresses it lists?"""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from chains.jsonrpc import JsonRpcClient
from chains.snapshot import Snapshot, SnapshotError
from verifier.cli.common import RpcTimeoutOption, request_deadline
from verifier.cli.output import STYLE, out
from verifier.cli.style import PorGroup
from verifier.errors import InputError
from verifier.io.reserve_lists import Format, read_any
from verifier.models.check import EXIT_CODES, CheckResult, Status, overall
from verifier.ownership.eth.erc1271 import ContractWallets
from verifier.ownership.lists import verify_rows
from verifier.ownership.verify import Binding, verify_all

app = typer.Typer(cls=PorGroup, no_args_is_help=True, help="Verify address ownership proofs.")

VERB = {Status.PASS: "verified", Status.FAIL: "failed", Status.INCONCLUSIVE: "inconclusive"}


@app.command()
def verify(
    file: Annotated[
        Path,
        typer.Argument(
            help="Ownership proofs: a JSON list of objects, or a CSV with a header row, with "
            "the keys/columns chain (bitcoin, ethereum, tron, dogecoin, litecoin, solana or "
            "aptos), "
            "address, "
            "message, signature "
            "(base64 BIP-137/BIP-322 for Bitcoin, base64 BIP-137 for Dogecoin and Litecoin, 0x "
            "hex EIP-191 for Ethereum, 0x hex TronWeb for TRON, base58 or 0x hex ed25519 for "
            "Solana, 0x hex ed25519 over the wallet's full message for Aptos, with "
            "public_key), and optional "
            "script (hex: P2SH redeem or P2WSH witness script) and public_key (hex); or an "
            "exchange's address list as published (OKX's CSV, HTX's CSV)"
        ),
    ],
    file_format: Annotated[
        Format,
        typer.Option(
            "--format",
            help="auto (from the header), por (the proof file above), okx-csv or htx-csv "
            "(the exchanges' lists: one result per row, its line named)",
        ),
    ] = Format.AUTO,
    exchange: Annotated[
        str | None, typer.Option(help="Exchange id every message must name")
    ] = None,
    snapshot_id: Annotated[
        str | None, typer.Option(help="Snapshot id every message must name")
    ] = None,
    eth_rpc: Annotated[
        str | None,
        typer.Option(help="Ethereum JSON-RPC URL, to ask contract wallets (ERC-1271)"),
    ] = None,
    snapshot: Annotated[
        str | None, typer.Option(help="HEIGHT:HASH of the Ethereum block to ask at")
    ] = None,
    legacy_message: Annotated[
        bool,
        typer.Option(
            help="Accept other messages (e.g. a fixed phrase), with a warning, and Ethereum "
            "signatures over bare keccak256(message), marked weaker"
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON")] = False,
    rpc_timeout: RpcTimeoutOption = None,
) -> None:
    """One line per proof: verified, failed (why) or inconclusive.
    Exit 0 only when every proof verifies, 1 when one fails, 2 otherwise."""
    proofs = read_any(file, file_format)
    deadline = request_deadline(rpc_timeout, contacts_node=eth_rpc is not None)
    contracts = _contract_wallets(eth_rpc, snapshot, deadline)
    binding = Binding(exchange, snapshot_id, legacy_message)
    if isinstance(proofs, list):
        results = verify_all(proofs, binding, contracts)
    else:
        results = verify_rows(proofs.rows, binding, contracts)
    if as_json:
        out.print_json(json.dumps([r.model_dump(mode="json") for r in results]))
    else:
        _show(results)
    raise typer.Exit(EXIT_CODES[overall(results)])


def _contract_wallets(
    eth_rpc: str | None, snapshot: str | None, deadline: float
) -> ContractWallets | None:
    """Contract wallets are asked only on the node the user named, never elsewhere."""
    if eth_rpc is None and snapshot is None:
        return None
    if eth_rpc is None or snapshot is None:
        raise InputError("--eth-rpc/--snapshot", None, "give both or neither")
    try:
        pinned = Snapshot.parse(snapshot, prefix="0x")
    except SnapshotError as e:
        raise InputError("--snapshot", None, str(e)) from None
    return ContractWallets(JsonRpcClient.connect(eth_rpc, timeout=deadline), pinned)


def _show(results: list[CheckResult]) -> None:
    for r in results:
        out.print(f"[{STYLE[r.status]}]{VERB[r.status]:<12}[/] {escape(r.id)}: {escape(r.reason)}")
    counts = {s: sum(r.status is s for r in results) for s in Status}
    out.print(", ".join(f"{counts[s]} {VERB[s]}" for s in Status))
