"""The four Bitcoin networks an address or a node can belong to.

Prefixes and genesis blocks come from python-bitcoinlib's parameter classes,
read as plain values: its `SelectParams` switches one process-wide global,
which two reads of two networks in the same process must not share.
"""

from dataclasses import dataclass

import bitcoin
from bitcoin.core import b2lx


@dataclass(frozen=True)
class Network:
    name: str  # as the CLI spells it: mainnet, testnet, signet, regtest
    core_chain: str  # getblockchaininfo's "chain": main, test, signet, regtest
    pubkey_prefix: int
    script_prefix: int
    hrp: str  # bech32 human-readable part
    genesis_hash: str  # display hex, as getblockhash 0 answers


def _network(name: str, core_chain: str, params: type) -> Network:
    prefixes = params.BASE58_PREFIXES
    return Network(
        name=name,
        core_chain=core_chain,
        pubkey_prefix=prefixes["PUBKEY_ADDR"],
        script_prefix=prefixes["SCRIPT_ADDR"],
        hrp=params.BECH32_HRP,
        genesis_hash=b2lx(params.GENESIS_BLOCK.GetHash()),
    )


NETWORKS: dict[str, Network] = {
    n.name: n
    for n in (
        _network("mainnet", "main", bitcoin.MainParams),
        _network("testnet", "test", bitcoin.TestNetParams),
        _network("signet", "signet", bitcoin.SigNetParams),
        _network("regtest", "regtest", bitcoin.RegTestParams),
    )
}


def network(name: str) -> Network:
    """The network called `name`; ValueError names the known ones otherwise."""
    try:
        return NETWORKS[name]
    except KeyError:
        raise ValueError(f"unknown Bitcoin network {name!r} (one of {', '.join(NETWORKS)})") from None
