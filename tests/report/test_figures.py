"""Figures in either language: every digit kept and grouped by thousands, the terminal
tables within 80 columns with no digit cut, chart axes in readable money units."""

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from verifier.i18n import Lang
from verifier.report.figures import axis_amount, grouped
from verifier.report.model import Report
from verifier.report.terminal import fit, render_terminal


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("1353557.325478", "1,353,557.325478"),
        ("-10000000", "-10,000,000"),
        (">= 2000000000 JPY", ">= 2,000,000,000 JPY"),
        ("3.50877192...%", "3.50877192...%"),
        ("0.000000000000000001", "0.000000000000000001"),
        ("999", "999"),
        ("bitcoin:regtest #436", "bitcoin:regtest #436"),  # a block height is not an amount
        ("6ad5a7cb103ec558ea8606170eafc6", "6ad5a7cb103ec558ea8606170eafc6"),  # nor a hash
        ("bcrt1q0000000000", "bcrt1q0000000000"),
    ],
)
def test_numbers_are_grouped_with_every_digit(text: str, shown: str) -> None:
    assert grouped(text) == shown
    assert re.sub(r"(?<=\d),(?=\d{3})", "", shown) == text


@pytest.mark.parametrize(
    ("value", "en", "ja"),
    [
        (2_000_000_000, "JPY 2.0bn", "20億円"),
        (2_500_000_000, "JPY 2.5bn", "25億円"),
        (500_000_000, "JPY 500.0m", "5億円"),
        (15_000, "JPY 15.0k", "1.5万円"),
        (4_000_000_000_000, "JPY 4.0tn", "4兆円"),
        (0, "JPY 0", "0円"),
    ],
)
def test_money_axis_in_readable_units(value: int, en: str, ja: str) -> None:
    assert axis_amount(value, "JPY", Lang.EN) == en
    assert axis_amount(value, "JPY", Lang.JA) == ja
    assert axis_amount(value, "USD", Lang.JA) == ja.replace("円", " USD")


def test_fit_shares_the_room_above_each_columns_floor() -> None:
    assert fit([5, 6, 7], [2, 2, 2], 30) == [5, 6, 7]  # room enough: natural
    assert fit([10, 30, 40], [2, 30, 2], 50) == [10, 30, 10]  # a fixed column keeps 30
    assert fit([17, 12, 12, 10, 12, 13, 10], [17, 2, 2, 2, 2, 2, 2], 59) == [
        17, 7, 7, 7, 7, 7, 7,
    ]  # fmt: skip


def _table_columns(lines: list[str], first: int) -> list[str]:
    """The text of each column of the table whose header row is at `first`, each
    column's lines joined (a folded figure continues on the next line)."""
    body_start = next(i for i in range(first, len(lines)) if lines[i].startswith("┡"))
    end = next(i for i in range(body_start, len(lines)) if lines[i].startswith("└"))
    columns: list[str] = []
    for line in lines[body_start + 1 : end]:
        cells = line.split("│")[1:-1]
        columns += [""] * (len(cells) - len(columns))
        for j, cell in enumerate(cells):
            columns[j] += cell.strip()
    return columns


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("width", [80, 60])
def test_the_demo_report_fits_the_terminal_with_every_digit(
    demo_report: Report, lang: Lang, width: int
) -> None:
    report = demo_report
    buf = io.StringIO()
    Console(width=width, file=buf).print(render_terminal(report, lang), crop=False)
    text = buf.getvalue()
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert "…" not in text
    columns = _table_columns(lines, next(i for i, ln in enumerate(lines) if ln.startswith("┏")))
    # each figure of each asset, grouped, in its column in the assets' order
    assert columns[1] == "".join(grouped(a.liabilities) or "" for a in report.assets)
    assert columns[4] == "".join(grouped(a.surplus) or "" for a in report.assets)
    assert columns[5] == "".join(grouped(a.surplus_value) or "" for a in report.assets)
    assert all(a.surplus_value and len(a.surplus_value) > 8 for a in report.assets)
