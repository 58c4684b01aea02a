"""The four Bitcoin networks an address or a node can belong to.

Prefixes and genesis blocks come from python-bitcoinlib's parameter classes,
read as plain values: its `SelectParams` switches one process-wide global,
which two reads of two networks in the same process must not share.
"""

from dataclasses import dataclass
from typing import Any

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
    pow_limit: int  # the easiest target a header may claim (Core's chainparams powLimit)


def _network(name: str, core_chain: str, params: Any, pow_limit: int) -> Network:
    prefixes = params.BASE58_PREFIXES
    return Network(
        name=name,
        core_chain=core_chain,
        pubkey_prefix=prefixes["PUBKEY_ADDR"],
        script_prefix=prefixes["SCRIPT_ADDR"],
        hrp=params.BECH32_HRP,
        genesis_hash=b2lx(params.GENESIS_BLOCK.GetHash()),
        pow_limit=pow_limit,
    )


NETWORKS: dict[str, Network] = {
    n.name: n
    for n in (
        # python-bitcoinlib has no signet limit and reads its own through a
        # process-wide global, so the four values are written out here.
        _network("mainnet", "main", bitcoin.MainParams, (1 << 224) - 1),
        _network("testnet", "test", bitcoin.TestNetParams, (1 << 224) - 1),
        _network("signet", "signet", bitcoin.SigNetParams, 0x00000377AE << 216),
        _network("regtest", "regtest", bitcoin.RegTestParams, (1 << 255) - 1),
    )
}
