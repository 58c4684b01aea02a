"""Ethereum balance reads: batched against one request per address, same node, same run.

Starts its own anvil (127.0.0.1, a free port, ended by its PID), funds N addresses
with ETH and a demo ERC-20, then reads every balance at a pinned snapshot:
  - batched: Multicall3 aggregate3 (500 addresses per eth_call) in JSON-RPC batches
  - JSON-RPC batches without a multicall (100 calls per HTTP request), for reference
  - naive: one JSON-RPC request per address
and prints round trips, seconds and the ratios (targets: >= 20x fewer round trips,
>= 10x faster batched).

    .venv/bin/python benchmarks/chains.py [--addresses 10000]
"""

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support: the launcher

from chains.ethereum import EthereumOptions, read_balances
from chains.jsonrpc import JsonRpcClient
from chains.snapshot import Balances, Snapshot
from tests.support.anvil import run_anvil
from tests.support.eth import Chain, addresses


def timed(
    url: str, snap: Snapshot, who: list[str], opts: EthereumOptions
) -> tuple[int, float, int]:
    with JsonRpcClient(url) as client:
        start = time.perf_counter()
        result = read_balances(client, snap, who, opts)
        seconds = time.perf_counter() - start
        if not isinstance(result, Balances):
            sys.exit(f"read failed: {result}")
        return client.round_trips, seconds, result.total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=10_000)
    n = parser.parse_args().addresses
    rng = random.Random(n)
    with run_anvil() as node:
        chain = Chain(node.url)
        chain.install_multicall()
        token = chain.deploy("DemoToken")
        who = addresses(n, seed=n)
        wei = [rng.randrange(1, 10**22) for _ in who]
        units = [rng.randrange(1, 10**12) for _ in who]
        chain.set_balances(who, wei)
        chain.mint(token, who, units)
        snap = chain.snapshot()
        chain.mine(64)
        print(f"{n} addresses on anvil, snapshot {snap.height}")
        print(f"{'asset':<6} {'way':<26} {'round trips':>11} {'seconds':>8}")
        failed = False
        for asset, opts, expected in [
            ("ETH", EthereumOptions(chain_id=node.chain_id), sum(wei)),
            ("ERC-20", EthereumOptions(chain_id=node.chain_id, token=token), sum(units)),
        ]:
            rows = {}
            for way, how in [
                ("batched (multicall)", opts),
                ("JSON-RPC batches", replace(opts, mode="batch")),
                ("naive (1 call/address)", replace(opts, mode="single")),
            ]:
                trips, seconds, total = timed(node.url, snap, who, how)
                if total != expected:
                    sys.exit(f"{asset} {way}: total {total}, expected {expected}")
                rows[way] = (trips, seconds)
                print(f"{asset:<6} {way:<26} {trips:>11} {seconds:>8.2f}")
            (bt, bs), (nt, ns) = rows["batched (multicall)"], rows["naive (1 call/address)"]
            trip_ratio, speed_ratio = nt / bt, ns / bs
            ok = trip_ratio >= 20 and speed_ratio >= 10
            failed |= not ok
            print(
                f"{asset:<6} batched vs naive: {trip_ratio:.0f}x fewer round trips, "
                f"{speed_ratio:.1f}x faster ({'meets' if ok else 'MISSES'} 20x / 10x)"
            )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
