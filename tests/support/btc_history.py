"""A shared scenario for the Bitcoin tests: funds arriving in two blocks, a snapshot,
then leaving, on every output type, with the balances each snapshot must show."""

from dataclasses import dataclass

from chains.snapshot import Snapshot
from tests.support.bcoin import Bcoin
from tests.support.btc_wallet import DemoKey, Faucet, Kind, send


@dataclass
class History:
    """Funds arriving in two blocks, the snapshot, then leaving: every output type."""

    keys: list[DemoKey]
    start: int
    snap: Snapshot  # after both payments, before the spends
    at_snap: dict[str, int]
    later: Snapshot  # after the spends
    at_later: dict[str, int]
    touched: list[str]  # the blocks holding the history's transactions

    @property
    def addresses(self) -> list[str]:
        return [k.address for k in self.keys]


def mine_one(node: Bcoin, faucet: Faucet) -> str:
    return node.mine(1, faucet.key.address)[0]


def make_history(bcoin: Bcoin, faucet: Faucet, label: str) -> History:
    keys = [DemoKey(label, k) for k in Kind]
    start = bcoin.height() + 1
    first = faucet.pay([(k, 100_000 + i) for i, k in enumerate(keys)])
    h1 = mine_one(bcoin, faucet)
    faucet.pay([(k, 7_000 + i) for i, k in enumerate(keys)])
    # A coin that arrives and leaves inside the snapshot block counts for nothing.
    passing = DemoKey(f"{label}-passing", Kind.P2WPKH)
    (coin,) = faucet.pay([(passing, 50_000)])
    send(bcoin, [coin], [(faucet.key.script_pubkey, 30_000)])
    h2 = mine_one(bcoin, faucet)
    snap = Snapshot(bcoin.height(), h2)
    for c in first:
        send(bcoin, [c], [(faucet.key.script_pubkey, c.value - 20_000)])
    h3 = mine_one(bcoin, faucet)
    later = Snapshot(bcoin.height(), h3)
    bcoin.mine(6, faucet.key.address)
    keys.append(passing)
    at_snap = {k.address: 107_000 + 2 * i for i, k in enumerate(keys[:-1])} | {passing.address: 0}
    at_later = {k.address: 7_000 + i for i, k in enumerate(keys[:-1])} | {passing.address: 0}
    return History(keys, start, snap, at_snap, later, at_later, [h1, h2, h3])
