"""The exchanges' list layouts read back exactly, whatever their cells hold (hypothesis):
every row once, in order, at its own line, `-` and empty cells as none, CSV quoting
(commas, quotes in a message) kept, the byte-order mark and summary block set aside."""

import csv
import io
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.cli import Run
from tests.support.reserve_lists import FIRST_ROW, HTX_HEADER, HTX_SUMMARY
from verifier.io.reserve_lists import Format, ReserveList, read_any

_CELL = string.ascii_letters + string.digits + " ,\"'()."
coins = st.sampled_from(["BTC", "ETH", "TRX", "USDT-TRC20", "HT-ETH", "USDT-Avalanche C-Chain"])
texts = (
    st.text(_CELL, min_size=1, max_size=30)
    .map(str.strip)
    .filter(lambda t: t not in ("", "-", "null"))
)
amounts = st.builds(
    lambda whole, frac: f"{whole}.{frac}" if frac else str(whole),
    st.integers(0, 10**30),
    st.text("0123456789", max_size=18),
)
rows = st.tuples(
    coins,
    texts,
    st.none() | st.integers(0, 10**15),
    st.none() | amounts,
    st.none() | texts,
    st.none() | st.text("0123456789abcdef", min_size=2, max_size=130),
)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(listed=st.lists(rows, min_size=1, max_size=10))
def test_htx_layout_reads_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, listed: list[tuple[Any, ...]]
) -> None:
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\r\n")  # spreadsheets write CRLF
    writer.writerows([HTX_SUMMARY.split(","), ["BTC(ALL)", "-", "1"], []])
    writer.writerow(HTX_HEADER.split(","))
    writer.writerows([["-" if c is None else c for c in row] for row in listed])
    path = tmp_path_factory.mktemp("htx") / "list.csv"
    path.write_bytes(b"\xef\xbb\xbf" + table.getvalue().encode())
    found = read_any(path, Format.AUTO)
    assert isinstance(found, ReserveList) and found.format is Format.HTX
    assert len(found.rows) == len(listed)
    for i, (row, (coin, address, height, amount, message, signature)) in enumerate(
        zip(found.rows, listed, strict=True)
    ):
        assert row.line == FIRST_ROW + i
        assert (row.coin, row.address, row.height, row.amount) == (coin, address, height, amount)
        assert row.message == (message or "")
        assert row.signatures == (() if signature is None else (signature,))
        asset, _, network = coin.partition("-")
        assert (row.asset, row.network) == (asset, network or asset)


def test_okx_staking_rows_in_reserves_check(por: Callable[..., Run], tmp_path: Path) -> None:
    """A validator's balance is not read: the staking row says so, inconclusive."""
    header = (
        "coin,Type,Network,Snapshot Height,address,amount,message,signature1,signature2,"
        "redeem script/public key,EOA1,EOA2"
    )
    path = tmp_path / "staking.csv"
    path.write_text(
        "coin,snapshot height,amount\nETH,-,64\n\n" + header + "\n"
        "ETH,Native ETH Staking,ETH,20914735,0x"
        + "ab" * 48
        + ",32,I am an OKX address,0x"
        + "11" * 65
        + ",,,0x"
        + "22" * 20
        + ",\n"
    )
    code, out, err = por("reserves", "check", str(path), "--legacy-message")
    assert err == "" and code in (1, 2)
    assert "staked (Native ETH Staking): a validator's balance is not read" in out
