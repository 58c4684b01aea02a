"""Regenerate fixtures/demo/ledger.csv: 1,000 invented customers of a demo exchange.

Deterministic (seeded), so the committed file can be checked against this script.
Amounts are drawn as integers in base units and written as exact decimal text.
"""

import random
import sys
from pathlib import Path

from verifier.models.amounts import format_units

ASSETS = [("BTC", 8), ("ETH", 18), ("USDC", 6)]
TYPICAL = [5 * 10**6, 5 * 10**17, 5 * 10**8]  # 0.05 BTC, 0.5 ETH, 500 USDC in base units


def rows(n: int = 1000, seed: int = 2026) -> list[list[str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        # most customers hold little, a few hold a lot; many hold nothing of an asset
        values = [0 if rng.random() < 0.3 else int(rng.paretovariate(1.2) * t) for t in TYPICAL]
        out.append(
            [f"customer-{i:04d}"]
            + [format_units(v, d) for v, (_, d) in zip(values, ASSETS, strict=True)]
        )
    return out


def main() -> None:
    path = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parent.parent / "fixtures/demo/ledger.csv"
    )
    lines = ["account_id," + ",".join(s for s, _ in ASSETS)] + [",".join(r) for r in rows()]
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
