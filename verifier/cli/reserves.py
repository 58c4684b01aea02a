"""`por reserves check`: a reserve list as an exchange published it, against the chains.

Exit codes: 0 every row owned and on chain as claimed; 1 a row failed (a signature,
a balance that differs); 2 bad input, or a row inconclusive (a chain not read, no
endpoint given, a block not yet confirmed or reorganised away, a node behind).
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Column, Table

from chains.bitcoin.networks import NETWORKS as BITCOIN_NETWORKS
from chains.names import parse_chain
from verifier.cli.common import (
    BtcRpcOption,
    EsploraOption,
    JsonOutOption,
    RpcTimeoutOption,
    evm_endpoints,
    request_deadline,
)
from verifier.cli.output import STYLE, out, safe
from verifier.cli.report_out import ForceOption, planned_outputs
from verifier.cli.style import PorGroup
from verifier.errors import InputError
from verifier.io.reserve_lists import Format, read_list
from verifier.models.check import EXIT_CODES
from verifier.models.reserves import ReservesCheck
from verifier.ownership.verify import Binding
from verifier.reserves.check import check_reserves
from verifier.reserves.reads import Nodes

app = typer.Typer(
    cls=PorGroup, no_args_is_help=True, help="Check a published reserve list against the chains."
)


@app.command()
def check(
    file: Annotated[
        Path,
        typer.Argument(
            help="The exchange's address list as published: OKX's CSV (its staking file "
            "too) or HTX's CSV, summary block and all"
        ),
    ],
    file_format: Annotated[
        Format, typer.Option("--format", help="auto (from the header), okx-csv or htx-csv")
    ] = Format.AUTO,
    btc_rpc: BtcRpcOption = None,
    esplora: EsploraOption = None,
    rpc: Annotated[
        list[str] | None,
        typer.Option(
            help="CHAIN=URL: the JSON-RPC node of one EVM chain (evm:NAME or NAME alone, "
            "e.g. ethereum, arbitrum); once per chain."
        ),
    ] = None,
    btc_network: Annotated[
        str, typer.Option(help="The Bitcoin network the list's BTC rows are on.")
    ] = "mainnet",
    btc_from_height: Annotated[
        int,
        typer.Option(
            min=0,
            help="Bitcoin core: the first block that may pay a listed address (blocks are "
            "read from here to each row's height; default 0, the whole chain).",
        ),
    ] = 0,
    btc_confirmations: Annotated[
        int | None, typer.Option(min=1, help="Blocks on top of a Bitcoin row's block (default 6).")
    ] = None,
    eth_confirmations: Annotated[
        int | None,
        typer.Option(
            min=1, help="Blocks on top of an EVM row's block (default: the registry's depth)."
        ),
    ] = None,
    legacy_message: Annotated[
        bool,
        typer.Option(
            help='Accept the lists\' fixed phrases ("I am an OKX address", "huobi"), with a '
            "warning, and Ethereum signatures over bare keccak256(message), marked weaker"
        ),
    ] = False,
    json_out: JsonOutOption = None,
    force: ForceOption = False,
    rpc_timeout: RpcTimeoutOption = None,
) -> None:
    """Per row: claimed, on chain, difference and ownership; per coin the totals.
    Exit 0 only when every row is owned and on chain as claimed."""
    outputs = planned_outputs([file], force, [(json_out, "--json")])
    if btc_rpc is not None and esplora is not None:
        raise InputError("--btc-rpc/--esplora", None, "give one Bitcoin source, not both")
    if btc_network not in BITCOIN_NETWORKS:
        names = ", ".join(BITCOIN_NETWORKS)
        raise InputError("--btc-network", None, f"{btc_network!r} is not one of {names}")
    evm = {parse_chain(chain): url for chain, url in evm_endpoints(rpc or []).items()}
    found = read_list(file, file_format)
    nodes = Nodes(
        btc_rpc=btc_rpc,
        esplora=esplora,
        evm=evm,
        btc_confirmations=btc_confirmations,
        eth_confirmations=eth_confirmations,
        btc_from_height=btc_from_height,
        timeout=request_deadline(rpc_timeout, contacts_node=bool(btc_rpc or esplora or evm)),
    )
    result = check_reserves(
        found, nodes, Binding(legacy_message=legacy_message), btc_network=btc_network
    )
    with outputs:
        if json_out is not None:
            outputs.stage(json_out, (result.model_dump_json(indent=1) + "\n").encode())
    _show(result)
    raise typer.Exit(EXIT_CODES[result.status])


def _show(result: ReservesCheck) -> None:
    """A block per row (wide figures and addresses wrap whole at any width), then the
    totals per coin."""
    for r in result.rows:
        height = "-" if r.height is None else str(r.height)
        out.print(
            f"[{STYLE[r.status]}]{r.status.value:<12}[/] line {r.line}: {_cell(r.coin)} on "
            f"{_cell(r.chain)} {_cell(r.address)} at height {height}"
        )
        claimed = r.claimed or _cell(
            "-" if r.claimed_text is None else f"{r.claimed_text} (as listed: decimals unknown)"
        )
        out.print(
            f"    claimed {claimed}, on chain {r.on_chain or '-'}, "
            f"difference {r.difference or '-'}"
            + (f" (block {r.block_hash})" if r.block_hash else "")
        )
        for what, status, reason in (
            ("ownership", r.ownership, r.ownership_reason),
            ("balance", r.balance, r.balance_reason),
        ):
            out.print(f"    {what}: [{STYLE[status]}]{status.value}[/]: {_cell(reason)}")
    totals = _table("coin", "decimals", "rows read", "claimed", "on chain", "difference")
    for t in result.totals:
        totals.add_row(
            _cell(t.coin),
            "-" if t.decimals is None else str(t.decimals),
            f"{t.rows_read}/{t.rows}",
            t.claimed or _cell(t.claimed_text),
            t.on_chain or "-",
            t.difference or "-",
        )
    out.print(totals)
    out.print(f"[{STYLE[result.status]}]{result.status.value}[/] (amounts in base units)")


def _table(*headers: str) -> Table:
    """Figures fold over lines rather than lose a digit in a narrow terminal."""
    return Table(*(Column(h, overflow="fold") for h in headers), box=None, pad_edge=False)


def _cell(text: str) -> str:
    return escape(safe(text))
