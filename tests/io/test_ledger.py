"""The ledger reader on Parquet and CSV files that a spreadsheet, a database export or
a hostile exchange may hand it: exact decimals, every column type that is not an
amount refused by name, truncated files and oversized cells as one line, exit 2."""

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.tree.helpers import build_tree, load, write_ledger

IDS = ["alice", "bob"]


def parquet(path: Path, columns: dict[str, pa.Array]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def text(values: list[str]) -> pa.Array:
    return pa.array(values, pa.string())


def build(tmp_path: Path, ledger: Path) -> tuple[int, str, str]:
    r = build_tree(ledger, tmp_path / "out", "--nonce-key", "44" * 32, "--height", "4")
    return r.exit_code, r.stdout, r.stderr


def sums(tmp_path: Path) -> list[int]:
    return [int(s) for s in load(tmp_path / "out" / "root.json")["root"]["sums"]]


def test_a_decimal128_satoshi_is_read_exactly(tmp_path: Path) -> None:
    """0.00000001 as decimal128(38, 8): pyarrow's text for it is '1E-8'."""
    btc = pa.array([Decimal("0.00000001"), Decimal("20999999.99999999")], pa.decimal128(38, 8))
    ledger = parquet(
        tmp_path / "l.parquet",
        {"account_id": text(IDS), "BTC": btc, "ETH": text(["0", "1"]), "USDT": text(["2", "0"])},
    )
    code, _, stderr = build(tmp_path, ledger)
    assert code == 0, stderr
    assert sums(tmp_path) == [1 + 2_099_999_999_999_999, 10**18, 2_000_000]


def test_a_decimal_of_lower_scale_and_integer_whole_units_are_exact(tmp_path: Path) -> None:
    ledger = parquet(
        tmp_path / "l.parquet",
        {
            "account_id": text(IDS),
            "BTC": pa.array([Decimal("1.5"), Decimal("0.1")], pa.decimal128(10, 1)),
            "ETH": pa.array([Decimal("3"), Decimal("0")], pa.decimal256(60, 0)),
            "USDT": pa.array([7, 0], pa.int64()),  # whole USDT
        },
    )
    code, _, stderr = build(tmp_path, ledger)
    assert code == 0, stderr
    assert sums(tmp_path) == [160_000_000, 3 * 10**18, 7_000_000]


@pytest.mark.parametrize(
    ("column", "expect"),
    [
        (pa.array([b"1", b"2"], pa.binary()), "column BTC: binary is not an amount"),
        (
            pa.array([[1], [2]], pa.list_(pa.int64())),
            "column BTC: list<element: int64> is not an amount",
        ),
        (
            pa.array([{"v": 1}, {"v": 2}], pa.struct([("v", pa.int64())])),
            "column BTC: struct<v: int64> is not an amount",
        ),
        (pa.array([True, False]), "column BTC: bool is not an amount"),
        (pa.array([0.5, 1.0], pa.float64()), "column BTC: double cannot hold amounts exactly"),
        (
            pa.array([Decimal("0.000000001"), Decimal("0")], pa.decimal128(38, 9)),
            "column BTC: decimal128(38, 9) has scale 9, more than the 8 decimals of BTC",
        ),
    ],
    ids=["binary", "list", "struct", "bool", "float", "decimal-scale"],
)
def test_a_column_that_is_not_an_amount_is_refused_by_name(
    tmp_path: Path, column: pa.Array, expect: str
) -> None:
    ledger = parquet(
        tmp_path / "l.parquet",
        {"account_id": text(IDS), "BTC": column, "ETH": text(["0", "0"]), "USDT": text(["0", "0"])},
    )
    code, _, stderr = build(tmp_path, ledger)
    lines = stderr.strip().splitlines()
    assert code == 2 and len(lines) == 1, stderr
    assert "l.parquet" in lines[0] and expect in lines[0], stderr
    assert not (tmp_path / "out" / "root.json").exists()


def test_account_ids_of_a_type_that_is_no_id_are_refused(tmp_path: Path) -> None:
    ledger = parquet(
        tmp_path / "l.parquet",
        {
            "account_id": pa.array([1.0, 2.0]),
            "BTC": text(["0", "0"]),
            "ETH": text(["0", "0"]),
            "USDT": text(["0", "0"]),
        },
    )
    code, _, stderr = build(tmp_path, ledger)
    assert code == 2 and "column account_id: double cannot hold account ids" in stderr


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_parquet_file_is_bad_input(tmp_path: Path, keep: float) -> None:
    whole = parquet(
        tmp_path / "whole.parquet",
        {
            "account_id": text([f"u{i}" for i in range(2000)]),
            "BTC": text(["1"] * 2000),
            "ETH": text(["0"] * 2000),
            "USDT": text(["0"] * 2000),
        },
    )
    data = whole.read_bytes()
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(data[: int(len(data) * keep)])
    code, _, stderr = build(tmp_path, cut)
    lines = stderr.strip().splitlines()
    assert code == 2 and len(lines) == 1, stderr
    assert "cut.parquet" in lines[0] and "not a readable Parquet file" in lines[0]


def test_a_csv_cell_beyond_the_readers_block_names_line_and_column(tmp_path: Path) -> None:
    """Python's csv module stops at 131,072 characters a field, pyarrow at a block:
    either way one line names the place, never a traceback."""
    for size, expect in (
        (200_000, "row 2, column ETH: '1111"),  # past csv's limit: read, then refused
        (9_000_000, "line 3, column ETH: a cell of more than 4,194,304 bytes"),
    ):
        ledger = write_ledger(
            tmp_path / "l.csv", [("a", "1", "1", "1"), ("b", "1", "1" * size, "1")]
        )
        code, _, stderr = build(tmp_path, ledger)
        lines = stderr.strip().splitlines()
        assert code == 2 and len(lines) == 1, stderr
        assert expect in lines[0] and len(lines[0]) < 400, stderr


def test_a_csv_cell_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    ledger = tmp_path / "l.csv"
    ledger.write_bytes(b"account_id,BTC,ETH,USDT\na,1,1,1\nb\xff,1,1,1\n")
    code, _, stderr = build(tmp_path, ledger)
    assert code == 2 and "row 2, column account_id: not UTF-8 text" in stderr


def test_a_directory_given_as_the_ledger_says_so(tmp_path: Path) -> None:
    (tmp_path / "ledger").mkdir()
    code, _, stderr = build(tmp_path, tmp_path / "ledger")
    assert code == 2 and "is a directory" in stderr


@pytest.mark.parametrize(
    ("ids", "row"), [(["alice", None], 2), (["", "bob"], 1), (["alice", "bob", ""], 3)]
)
def test_an_empty_or_missing_parquet_account_id_names_its_row(
    tmp_path: Path, ids: list[str | None], row: int
) -> None:
    zero = text(["0"] * len(ids))
    ledger = parquet(
        tmp_path / "l.parquet",
        {"account_id": pa.array(ids, pa.string()), "BTC": zero, "ETH": zero, "USDT": zero},
    )
    code, _, stderr = build(tmp_path, ledger)
    assert code == 2
    assert stderr.strip().splitlines() == [
        f"por: error: {ledger}: row {row}, column account_id: empty account id"
    ], stderr
