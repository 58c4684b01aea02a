"""Run a chain adapter for the verifier: clients for the named endpoints (recorded,
or replayed from a bundle), the adapter, and the cross-check when one is asked for.

Only endpoints the user named are contacted.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from eth_utils import is_hex_address, to_checksum_address

from chains.ethereum import NETWORKS, EthereumOptions
from chains.ethereum import read_balances as read_ethereum_balances
from chains.evidence import Bundle, NotInEvidence, Recorder
from chains.jsonrpc import JsonRpcClient
from chains.snapshot import BalancesResult, Snapshot, cross_check
from verifier.errors import InputError
from verifier.onchain.addresses import AddressList

PRIMARY = "primary"
CROSS_CHECK = "cross-check"


@dataclass(frozen=True)
class Endpoints:
    rpc: str | None
    cross_check: str | None
    recorder: Recorder | None
    bundle: Bundle | None

    def client(self, name: str) -> JsonRpcClient:
        url = self.rpc if name == PRIMARY else self.cross_check
        try:
            return JsonRpcClient.connect(
                url, endpoint=name, recorder=self.recorder, bundle=self.bundle
            )
        except NotInEvidence as e:
            raise InputError("--offline", None, str(e)) from None

    def read(self, adapter: Callable[[JsonRpcClient], BalancesResult]) -> BalancesResult:
        """Run `adapter` against the primary endpoint, and the cross-check one if named."""
        names = [PRIMARY] if self.cross_check is None else [PRIMARY, CROSS_CHECK]
        results = []
        for name in names:
            with self.client(name) as client:
                results.append(adapter(client))
        return results[0] if len(results) == 1 else cross_check(results[0], results[1])


def ethereum_chain_id(chain_id: int | None, network: str | None) -> int:
    """--chain-id and --network, either or both (then they must agree); one is required
    so that a node on another chain is caught."""
    if network is not None:
        if network not in NETWORKS:
            names = ", ".join(NETWORKS)
            raise InputError("--network", None, f"unknown Ethereum network {network!r} ({names})")
        if chain_id is not None and chain_id != NETWORKS[network]:
            raise InputError(
                "--chain-id", None, f"{chain_id} is not {network}'s chain id {NETWORKS[network]}"
            )
        return NETWORKS[network]
    if chain_id is None:
        raise InputError("--chain-id", None, "Ethereum needs --chain-id N or --network NAME")
    return chain_id


def read_ethereum(
    endpoints: Endpoints,
    snapshot: Snapshot,
    addresses: AddressList,
    *,
    chain_id: int | None,
    network: str | None,
    token: str | None,
    balance_slot: int | None,
    confirmations: int | None,
    proofs: bool,
    batch_size: int,
    chunk_size: int,
) -> BalancesResult:
    if token is not None:
        token = _token(token)
    if proofs and token and balance_slot is None:
        raise InputError("--balance-slot", None, "--proofs with --token needs the balance slot")
    options = EthereumOptions(
        chain_id=ethereum_chain_id(chain_id, network),
        token=token,
        confirmations=64 if confirmations is None else confirmations,
        proofs=proofs,
        balance_slot=balance_slot,
        chunk_size=chunk_size,
        batch_size=batch_size,
    )
    return endpoints.read(
        lambda client: read_ethereum_balances(client, snapshot, addresses.addresses, options)
    )


def _token(text: str) -> str:
    if not is_hex_address(text):
        raise InputError("--token", None, f"{text!r} is not a hex address")
    return str(to_checksum_address(text))


def read_bitcoin(
    endpoints: Endpoints,
    snapshot: Snapshot,
    addresses: AddressList,
    *,
    network: str | None,
    from_height: int,
    confirmations: int | None,
    batch_size: int,
) -> BalancesResult:
    # Imported here: the Bitcoin adapter is built on its own branch, and an install
    # without it must still read Ethereum and say plainly what is missing.
    try:
        from chains.bitcoin.addresses import AddressError, script_pubkey
        from chains.bitcoin.core import ReadOptions
        from chains.bitcoin.core import read_balances as read_bitcoin_balances
        from chains.bitcoin.networks import NETWORKS as BITCOIN_NETWORKS
    except ImportError:
        raise InputError("--chain", None, "bitcoin adapter not available") from None
    if network is None or network not in BITCOIN_NETWORKS:
        names = ", ".join(BITCOIN_NETWORKS)
        raise InputError("--network", None, f"Bitcoin needs --network, one of {names}")
    net = BITCOIN_NETWORKS[network]
    for i, address in enumerate(addresses.addresses):
        try:
            script_pubkey(address, net)
        except AddressError as e:
            raise InputError(addresses.source, addresses.where(i), str(e)) from None
    if not 0 <= from_height <= snapshot.height:
        raise InputError("--from-height", None, f"must be within 0..{snapshot.height}")
    options = ReadOptions(from_height=from_height, batch_size=batch_size)
    if confirmations is not None:
        options = replace(options, min_confirmations=confirmations)
    return endpoints.read(
        lambda client: read_bitcoin_balances(
            client, net, snapshot, addresses.addresses, options, endpoints.recorder
        )
    )
