"""What the builders share about tree levels: how progress is told, and balances
encoded as rows of leaf records (the reducer itself is compiled: `Reducer`)."""

from collections.abc import Callable

import numpy as np

from verifier.tree._fastverify import enc_columns

Progress = Callable[[str, int, int], None]


def encode_columns(columns: list[list[int]]) -> np.ndarray:
    """Balances given per asset column -> one row of enc(balances) per account."""
    return np.frombuffer(enc_columns(columns), np.uint8).reshape(len(columns[0]), 16 * len(columns))
