"""Synthetic customer ledgers for the tree benchmarks, deterministic from a seed.

Two shapes:

- **dense, 3 assets** (`write_ledger`): every account holds BTC, ETH and USDT, each
  uniform over its range, written as CSV (decimal text): the ledger of the earlier
  benchmark figures.
- **sparse, 30 assets** (`write_sparse_ledger`): what a large exchange's book looks
  like. 8% of the accounts are dormant (every balance zero). Each other account holds
  m assets, m = 1 + a geometric count (P(m=1) = 0.55, P(m=2) = 0.25, P(m=3) = 0.11,
  P(m>=4) = 0.09, at most 30): nine in ten hold one to three. Which assets: drawn
  without replacement with Zipf popularity, weight 1/rank^1.2 in the order of
  `SPARSE_ASSETS` (BTC, ETH, USDT first): of the holders, 48% hold BTC, 25% ETH, 17%
  USDT and 1.2% the 30th asset; a holder holds 1.8 assets on average. A held balance
  is log-uniform over ten decades up to a per-asset cap (1,000 BTC, 10,000 ETH, 10M
  USDT, 10^12 SHIB...): most balances are small, a few are whales. Written as Parquet
  decimals (the asset's decimals, fewer where the cap in base units would not fit an
  int64: ETH to 14 digits), one row group of 131,072 accounts at a time,
  so 10M accounts are generated in bounded memory; each row group draws from its own
  generator seeded by (seed, group index), so a file depends only on the seed and
  the number of accounts.

    .venv/bin/python benchmarks/support/ledgers.py OUT.parquet --accounts 10000000 --sparse
    .venv/bin/python benchmarks/support/ledgers.py OUT.csv --accounts 1000000

Each prints the `--assets` list that `por tree build` needs for the file.
"""

import argparse
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ASSETS = "BTC:8,ETH:18,USDT:6"

# (symbol, decimals, cap in whole units), most popular first
SPARSE_ASSETS: list[tuple[str, int, int]] = [
    ("BTC", 8, 10**3),
    ("ETH", 18, 10**4),
    ("USDT", 6, 10**7),
    ("USDC", 6, 10**7),
    ("XRP", 6, 10**7),
    ("BNB", 18, 10**5),
    ("SOL", 9, 10**5),
    ("DOGE", 8, 10**8),
    ("TRX", 6, 10**8),
    ("ADA", 6, 10**7),
    ("LTC", 8, 10**5),
    ("DOT", 10, 10**6),
    ("LINK", 18, 10**6),
    ("MATIC", 18, 10**7),
    ("SHIB", 18, 10**12),
    ("AVAX", 18, 10**5),
    ("BCH", 8, 10**4),
    ("XLM", 7, 10**8),
    ("ATOM", 6, 10**6),
    ("UNI", 18, 10**6),
    ("ETC", 18, 10**5),
    ("FIL", 18, 10**6),
    ("APT", 8, 10**6),
    ("ARB", 18, 10**7),
    ("OP", 18, 10**7),
    ("NEAR", 24, 10**6),
    ("DAI", 18, 10**7),
    ("PEPE", 18, 10**12),
    ("TON", 9, 10**6),
    ("SUI", 9, 10**7),
]
SPARSE_ASSET_LIST = ",".join(f"{s}:{d}" for s, d, _ in SPARSE_ASSETS)
DORMANT = 0.08  # share of accounts with every balance zero
HELD_GEOMETRIC_P = 0.55  # m = 1 + Geometric: P(m = 1) = 0.55
ZIPF_EXPONENT = 1.2
DECADES = 10  # a held balance is log-uniform over this many decades below the cap
ROW_GROUP = 1 << 17


def account_ids(start: int, count: int) -> pa.Array:
    return pc.binary_join_element_wise(
        "user-", pa.array(np.arange(start, start + count)).cast(pa.string()), ""
    )


def write_ledger(path: Path, n: int, seed: int = 1) -> None:
    """The dense 3-asset CSV ledger: every account holds all three."""
    rng = np.random.default_rng(seed)
    chunk = 1_000_000
    names = ["account_id", "BTC", "ETH", "USDT"]
    with pacsv.CSVWriter(path, pa.schema([(c, pa.string()) for c in names])) as w:
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            columns = [account_ids(start, m)]
            for high, decimals in ((10**10, 8), (10**12, 6), (10**9, 2)):
                units = rng.integers(0, high, m)
                text = np.char.add(
                    np.char.add((units // 10**decimals).astype(str), "."),
                    np.char.zfill((units % 10**decimals).astype(str), decimals),
                )
                columns.append(pa.array(text.tolist()))
            w.write_table(pa.table(dict(zip(names, columns, strict=True))))


def storage_scale(decimals: int, cap: int) -> int:
    """Fractional digits stored: the asset's decimals, fewer when the cap in base units
    would not fit the int64 the generator computes in (ETH's 18 decimals are stored
    to 14 digits: 10,000 ETH is then 10^18 units)."""
    return min(decimals, 18 - round(math.log10(cap)))


def popularity() -> np.ndarray:
    ranks = np.arange(1, len(SPARSE_ASSETS) + 1, dtype=np.float64)
    weights = ranks**-ZIPF_EXPONENT
    return weights / weights.sum()


def held_mask(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Which assets each account holds: rows x 30 booleans.

    m assets drawn without replacement by popularity: the m largest of log(weight) +
    Gumbel noise (the Gumbel top-k trick), vectorised over the row group."""
    k = len(SPARSE_ASSETS)
    counts = np.minimum(rng.geometric(HELD_GEOMETRIC_P, rows), k)
    counts[rng.random(rows) < DORMANT] = 0
    keys = np.log(popularity()) + rng.gumbel(size=(rows, k))
    rank_in_row = np.argsort(np.argsort(-keys, axis=1), axis=1)
    return rank_in_row < counts[:, None]


def sparse_table(seed: int, group: int, start: int, rows: int) -> pa.Table:
    rng = np.random.default_rng([seed, group])
    held = held_mask(rng, rows)
    columns: dict[str, pa.Array] = {"account_id": account_ids(start, rows)}
    for j, (symbol, decimals, cap) in enumerate(SPARSE_ASSETS):
        scale = storage_scale(decimals, cap)
        top = math.log(cap * 10**scale)
        units = np.exp(rng.uniform(top - DECADES * math.log(10), top, rows)).astype(np.int64)
        units[~held[:, j]] = 0
        columns[symbol] = decimal_array(units, scale)
    return pa.table(columns)


def decimal_array(units: np.ndarray, scale: int) -> pa.Array:
    """Non-negative int64 base units as a decimal128 of `scale` (128-bit little-endian
    words: the units, then a zero high word), without a Python object per value."""
    words = np.zeros((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    return pa.Array.from_buffers(
        pa.decimal128(38, scale), len(units), [None, pa.py_buffer(words.tobytes())]
    )


def write_sparse_ledger(path: Path, n: int, seed: int = 1) -> None:
    """The sparse 30-asset Parquet ledger, one row group at a time (see the module)."""
    writer: pq.ParquetWriter | None = None
    try:
        for group, start in enumerate(range(0, n, ROW_GROUP)):
            table = sparse_table(seed, group, start, min(ROW_GROUP, n - start))
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table, row_group_size=ROW_GROUP)
    finally:
        if writer is not None:
            writer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--sparse", action="store_true", help="30 assets, Parquet")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.sparse:
        write_sparse_ledger(args.out, args.accounts, args.seed)
        print(SPARSE_ASSET_LIST)
    else:
        write_ledger(args.out, args.accounts, args.seed)
        print(ASSETS)


if __name__ == "__main__":
    main()
