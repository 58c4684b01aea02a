"""Read an address list in any format `por ownership verify` and `por reserves check`
take: our own proof file (`por`, see verifier/io/ownership.py), OKX's CSV and HTX's
CSV exactly as the exchanges publish them (models in verifier/models/reserve_lists.py).

The vendors' files are two tables: a summary block, a blank line, and the address
table. The address table is found by its header (the first record holding every
column the format requires); what comes before it must be that format's summary
block, which is checked (known columns, cell sizes) and set aside: totals are
computed from the address rows. Blank lines after the address table's header are
skipped, as the vendors' own tools skip them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from chains.addresses import normalize
from verifier.errors import InputError
from verifier.io.files import read_text
from verifier.io.ownership import REQUIRED as POR_REQUIRED
from verifier.io.ownership import claims_of, validated_row
from verifier.io.tables import Record, is_blank, read_records, table
from verifier.models.ownership import OwnershipClaim
from verifier.models.reserve_lists import HtxRow, OkxRow, ReserveRow


class Format(StrEnum):
    AUTO = "auto"
    POR = "por"
    OKX = "okx-csv"
    HTX = "htx-csv"


@dataclass(frozen=True)
class _Layout:
    model: type[OkxRow] | type[HtxRow]
    required: tuple[str, ...]  # the address table's header must have these
    optional: tuple[str, ...]
    summary: tuple[str, ...]  # the summary block's header

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


_LAYOUTS = {
    Format.OKX: _Layout(
        OkxRow,
        ("coin", "Network", "Snapshot Height", "address", "amount", "message", "signature1"),
        (
            "Type",
            "signature2",
            "redeem script/ public key",
            "redeem script/public key",
            "eoa1",
            "eoa2",
            "EOA1",
            "EOA2",
        ),
        ("coin", "snapshot height", "amount"),
    ),
    Format.HTX: _Layout(
        HtxRow,
        ("coin", "address", "snapshot height", "balance", "message", "signature"),
        (),
        ("coin", "snapshot height", "balance"),
    ),
}


@dataclass(frozen=True)
class ReserveList:
    source: str
    format: Format
    rows: tuple[ReserveRow, ...]


def read_any(path: Path, fmt: Format) -> list[OwnershipClaim] | ReserveList:
    """Our proof file's claims, or a vendor's list; `auto` tells them apart."""
    source = str(path)
    text = read_text(path)
    if fmt is Format.POR or (fmt is Format.AUTO and text.lstrip()[:1] in ("[", "{")):
        return claims_of(text, source)
    records = read_records(text, source)
    if fmt is Format.AUTO:
        fmt = _detect(records, source)
        if fmt is Format.POR:
            return claims_of(text, source)
    return _read(records, source, fmt)


def read_list(path: Path, fmt: Format) -> ReserveList:
    """A vendor's list whose balances can be added up: a `por` file has none, and a
    coin and address claimed twice would count its balance twice, so it is refused
    (the same address without a claimed balance may repeat: HTX's list repeats
    signed addresses under several coins' sections)."""
    found = read_any(path, fmt)
    if not isinstance(found, ReserveList):
        raise InputError(
            str(path),
            None,
            "an ownership proof file (por) claims no balances: give the list as the exchange "
            f"published it ({Format.OKX}, {Format.HTX})",
        )
    claimed: dict[tuple[str, str], int] = {}
    for row in found.rows:
        if row.amount is None:
            continue
        key = (row.coin.upper(), normalize(row.address))
        if key in claimed:
            raise InputError(
                found.source,
                f"line {row.line}",
                f"{row.coin} {row.address} is claimed again (first at line {claimed[key]}): "
                "its balance would be counted twice",
            )
        claimed[key] = row.line
    return found


def _detect(records: Sequence[Record], source: str) -> Format:
    headers = _headers(records)
    for fmt, layout in _LAYOUTS.items():
        if _address_header(records, layout) is not None:
            return fmt
    if any("chain" in h for h in headers):
        # No vendor's list has a `chain` column: our proof file, whose own reader
        # says what else it lacks.
        return Format.POR
    # The nearest format is the one whose required columns the file comes closest to.
    # On a tie the exchanges' formats come first: a file with a summary block is theirs.
    wanted = {**{f: x.required for f, x in _LAYOUTS.items()}, Format.POR: POR_REQUIRED}
    best, missing = min(
        ((f, [c for c in need if c not in h]) for f, need in wanted.items() for h in headers),
        key=lambda pair: len(pair[1]),
        default=(Format.POR, list(POR_REQUIRED)),
    )
    raise InputError(
        source,
        None,
        f"not an address list of any known format ({', '.join(wanted)}); nearest: {best}, "
        f"which needs the column(s) {', '.join(missing)}",
    )


def _headers(records: Sequence[Record]) -> list[list[str]]:
    """The first record of the file and of every block after a blank line."""
    out: list[list[str]] = []
    after_blank = True
    for _, cells in records:
        if is_blank(cells):
            after_blank = True
        elif after_blank:
            out.append([c.strip() for c in cells])
            after_blank = False
    return out


def _address_header(records: Sequence[Record], layout: _Layout) -> int | None:
    for i, (_, cells) in enumerate(records):
        if set(layout.required) <= {c.strip() for c in cells}:
            return i
    return None


def _read(records: Sequence[Record], source: str, fmt: Format) -> ReserveList:
    layout = _LAYOUTS[fmt]
    start = _address_header(records, layout)
    if start is None:
        raise InputError(
            source,
            "header",
            f"not an {fmt} file: its address table needs the column(s) "
            f"{', '.join(layout.required)}",
        )
    before = [r for r in records[:start] if not is_blank(r[1])]
    if before:
        # Only the summary block may come first; its rows are checked for shape only.
        table(before, source, layout.summary, layout.summary)
    found = table(list(records[start:]), source, layout.columns, layout.required)
    rows = tuple(validated_row(layout.model, source, line, row).row(line) for line, row in found)
    if not rows:
        raise InputError(source, None, "no address rows in the file")
    return ReserveList(source, fmt, rows)
