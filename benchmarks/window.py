"""The window around a snapshot (`por verify --window`): what it costs beside the
snapshot's own read, in the same run on the same nodes.

Ethereum: anvil (127.0.0.1, a free port, ended by its PID) with N funded addresses
and Multicall3; one batched snapshot read, 32 batched snapshot reads, and the window
(20:20 blocks, 32 samples, plus its first and last block) through `read_window`.
Round trips are counted from the evidence (every HTTP answer is a record, pinned
ones carry their block hash). Targets: per sample no more round trips than one
snapshot read; the whole window <= 1.2 x the 32 snapshot reads.

Bitcoin: bcoin regtest, a window of B blocks (default 1,000) with payments spread
through it; every sample from one pass (`read_balances_at`), blocks counted from the
evidence, against what 32 separate scans from the first use would parse, and the
time of one scan to the window's last block.

    .venv/bin/python benchmarks/window.py [--addresses 10000] [--blocks 1000] [--samples 32]
"""

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support: the launchers

from chains.bitcoin.core import CoreOptions, read_balances, read_balances_at
from chains.bitcoin.networks import NETWORKS
from chains.evidence import Recorder
from chains.jsonrpc import JsonRpcClient
from chains.snapshot import Balances, Snapshot
from tests.support.anvil import run_anvil
from tests.support.attestations import attestation as template
from tests.support.bcoin import run_bcoin
from tests.support.btc_wallet import DemoKey, Faucet, Kind
from tests.support.eth import Chain, addresses
from verifier.audit.balances import Sources, read_all
from verifier.audit.sampling import draw
from verifier.audit.window import WindowSpec, read_window
from verifier.models.attestation import Attestation

CHAIN = "ethereum:31337"
T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    out = work()
    return out, time.perf_counter() - start


def exchange(who: list[str], height: int, block_hash: str) -> Attestation:
    """An attestation listing `who` on anvil's chain (read only, never verified)."""
    doc = template(policy="ae-vara")
    doc["snapshot"]["chains"] = [{"chain": CHAIN, "height": height, "block_hash": block_hash}]
    doc["tokens"] = []
    proof = {"message": "benchmark", "signature": "c2lnbmF0dXJl"}
    doc["wallets"] = [
        {
            "chain": CHAIN,
            "address": a,
            "assets": ["ETH"],
            "role": "cold",
            "ownership_class": "customer",
            "ownership_proof": proof,
        }
        for a in who
    ]
    return Attestation.model_validate_json(json.dumps(doc))


def ethereum(n: int, samples: int) -> bool:
    with run_anvil() as node:
        chain = Chain(node.url)
        chain.install_multicall()
        who = addresses(n, seed=n)
        chain.set_balances(who, [10**18 + i for i in range(n)])
        chain.mine(30)
        snap = chain.snapshot()
        chain.mine(30 + 64)
        att = exchange(who, snap.height, snap.block_hash[2:])

        def sources() -> tuple[Sources, Recorder]:
            recorder = Recorder()
            return Sources(eth_rpc=node.url, recorder=recorder), recorder

        one, rec_one = sources()
        _, t_one = timed(lambda: read_all(att, one))
        per_read = len(rec_one.bundle.records)
        many, _ = sources()
        _, t_many = timed(lambda: [read_all(att, many) for _ in range(samples)])
        spec = WindowSpec.parse("20:20", samples)
        win, rec_win = sources()
        (window,), t_win = timed(lambda: read_window(att, win, spec))
        if window.reason is not None:
            sys.exit(f"window: {window.reason}")
        records = rec_win.bundle.records
        by_block = [sum(r.block_hash == p.block_hash for r in records) for p in window.points]
        unpinned = sum(r.block_hash is None for r in records)
        ratio = t_win / t_many
        ok = max(by_block) <= per_read and ratio <= 1.2
        print(f"Ethereum: {n} addresses on anvil, window 20:20, {samples} samples")
        print(f"{'what':<42} {'round trips':>11} {'seconds':>8}")
        print(f"{'one batched snapshot read':<42} {per_read:>11} {t_one:>8.2f}")
        print(f"{f'{samples} batched snapshot reads':<42} {per_read * samples:>11} {t_many:>8.2f}")
        label = f"window: {len(window.points)} blocks read"
        print(f"{label:<42} {len(records):>11} {t_win:>8.2f}")
        print(f"  of which locating the window and the sample: {unpinned} round trips")
        print(
            f"  per block read: {min(by_block)}..{max(by_block)} round trips "
            f"(one snapshot read: {per_read}); window / {samples} reads: {ratio:.2f}x "
            f"({'meets' if ok else 'MISSES'} <= {per_read} per sample, <= 1.2x)"
        )
        return ok


def bitcoin(blocks: int, samples: int) -> None:
    net = NETWORKS["regtest"]
    with run_bcoin() as node:
        faucet = Faucet(node)
        faucet.fill()
        wallet = [DemoKey(f"window-bench-{i}", Kind.P2WPKH) for i in range(4)]
        first = node.height() + 1
        step = max(1, blocks // 40)
        for h in range(0, blocks, step):
            faucet.pay([(wallet[h % 4], 100_000 + h)])
            node.mine(min(step, blocks - h), faucet.key.address)
        node.mine(6, faucet.key.address)
        last = first + blocks - 1
        heights = sorted(
            {first, last, *draw(b"bench", "bitcoin:regtest", range(first + 1, last), samples)}
        )
        end = Snapshot(last, node.rpc("getblockhash", last))
        options = CoreOptions(net, from_height=first)
        who = [k.address for k in wallet]
        recorder = Recorder()
        with JsonRpcClient.connect(node.url, endpoint="b", recorder=recorder) as client:
            result, t_pass = timed(
                lambda: read_balances_at(client, end, heights, who, options, recorder)
            )
        if not isinstance(result, tuple):
            sys.exit(f"bitcoin window: {result}")
        parsed = sum(r.method == "getblock" for r in recorder.bundle.records)
        separate = sum(h - first + 1 for h in heights)
        with JsonRpcClient.connect(node.url, endpoint="b") as client:
            single, t_scan = timed(lambda: read_balances(client, end, who, options))
        if not isinstance(single, Balances) or single.total != result[-1].total:
            sys.exit(f"one scan disagrees with the pass: {single}")
        print(f"Bitcoin: a window of {blocks} blocks on bcoin regtest, {len(heights)} blocks read")
        print(
            f"  one pass: {parsed} blocks parsed in {t_pass:.2f} s; {len(heights)} separate "
            f"scans from the first use would parse {separate} ({separate / parsed:.1f}x); "
            f"one scan to the window's last block: {t_scan:.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=10_000)
    parser.add_argument("--blocks", type=int, default=1_000)
    parser.add_argument("--samples", type=int, default=32)
    args = parser.parse_args()
    ok = ethereum(args.addresses, args.samples)
    bitcoin(args.blocks, args.samples)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
