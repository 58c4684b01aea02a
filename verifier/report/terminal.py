"""The report for a terminal: a summary table and one verdict line, as rich renderables
(the CLI prints them; nothing here prints), in English or Japanese.

Every text that came from an input file (exchange name, ids, symbols, reasons that
quote a file) goes through `printable`, and only as rich `Text`, never as markup: a
newline or an escape sequence in an exchange's name cannot draw a line of its own,
such as a forged verdict. The verdict is the last line.

Figures keep every digit: they are grouped by thousands and, when a column is too
narrow (an 80-column terminal), folded onto the next line, never cut with '…'."""

from dataclasses import dataclass, field
from typing import Protocol

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, JustifyMethod, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from verifier.i18n import Lang, Translator, translator
from verifier.models.check import Status
from verifier.report.escape import printable
from verifier.report.figures import grouped
from verifier.report.model import PolicyInfo, Report, ReportCheck
from verifier.report.names import check_name, figure_status

STYLE = {Status.PASS: "green", Status.FAIL: "bold red", Status.INCONCLUSIVE: "yellow"}


def _shown(c: ReportCheck, by_id: dict[str, ReportCheck]) -> bool:
    """Every check that did not pass; of the passes, the groups and the policy's rules
    with their per-asset parts, not each wallet's routine pass."""
    if c.status is not Status.PASS or c.depth == 0:
        return True
    root = c
    while root.parent is not None:
        root = by_id[root.parent]
    return root.id.startswith(("policy.", "window.")) and c.depth <= 2


def text_cell(value: object) -> Text:
    return Text("" if value is None else printable(str(value)))


@dataclass
class Column:
    header: str
    justify: JustifyMethod = "left"
    no_wrap: bool = False
    min_width: int = 2  # a Japanese character is 2 cells wide

    def floor(self, natural: int) -> int:
        """The width this column keeps however narrow the terminal."""
        return natural if self.no_wrap else min(natural, self.min_width)


def fit(natural: list[int], floors: list[int], room: int) -> list[int]:
    """Column widths that add up to at most `room` when the floors allow it: each
    column gets its floor, then the room left is shared so that no column is wider
    than it needs and the narrow ones are served first."""
    if sum(natural) <= room:
        return natural
    extra = [n - f for n, f in zip(natural, floors, strict=True)]
    left = room - sum(floors)
    cap, count = None, len(extra)
    for e in sorted(extra):
        if e * count > left:
            cap = max(0, left // count)
            break
        left -= e
        count -= 1
    return [f + (e if cap is None else min(e, cap)) for f, e in zip(floors, extra, strict=True)]


@dataclass
class FittedTable:
    """A table that sizes its columns to the terminal it is printed on, then folds
    what does not fit onto more lines: rich's own sizing can leave a table wider than
    the terminal, whose right edge is then cut off (digits included)."""

    title: str
    columns: list[Column]
    rows: list[list[Text]] = field(default_factory=list)

    def add_row(self, *cells: Text) -> None:
        self.rows.append(list(cells) + [Text("")] * (len(self.columns) - len(cells)))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        natural = (
            [
                max(
                    cell_len(line)
                    for cell in [Text(c.header), *column]
                    for line in cell.plain.split("\n")
                )
                for c, column in zip(self.columns, zip(*self.rows, strict=True), strict=True)
            ]
            if self.rows
            else [cell_len(c.header) for c in self.columns]
        )
        # each column has a space either side and a border on its right, plus the left border
        room = options.max_width - 3 * len(self.columns) - 1
        widths = fit(
            natural, [c.floor(n) for c, n in zip(self.columns, natural, strict=True)], room
        )
        table = Table(title=self.title)
        for c, width in zip(self.columns, widths, strict=True):
            table.add_column(
                c.header, width=width, justify=c.justify, overflow="fold", no_wrap=c.no_wrap
            )
        for row in self.rows:
            table.add_row(*row)
        yield table


def _named(check_id: str, _: Translator) -> str:
    """The check's id, after its name when the reader's language has one."""
    name = check_name(check_id, _)
    return check_id if name is None else f"{name} {check_id}"


def per_row(title: str, first: Column, *figures: str) -> FittedTable:
    """A table of one row per asset: its name, then its figures aligned right."""
    return FittedTable(title, [first, *(Column(h, justify="right") for h in figures)])


def status_word(status: Status, _: Translator) -> str:
    """A status as the reader's language says it (the JSON keeps pass/fail/inconclusive)."""
    words = {Status.PASS: _("pass"), Status.FAIL: _("fail"), Status.INCONCLUSIVE: _("inconclusive")}
    return words[status]


def tally_words(_: Translator) -> dict[Status, str]:
    """How many checks ended one way, as a message with the count in it."""
    return {
        Status.PASS: _("{count} pass"),
        Status.FAIL: _("{count} fail"),
        Status.INCONCLUSIVE: _("{count} inconclusive"),
    }


def render_terminal(report: Report, lang: Lang = Lang.EN) -> RenderableType:
    _ = translator(lang)
    checks = checks_table(report.checks, _)
    cur = report.reporting_currency
    assets = per_row(
        _("Per asset (whole units; values in {currency})").format(currency=cur),
        # wide enough for "  on evm:ethereum", the row of one chain's part of an asset
        Column(_("asset"), min_width=17),
        _("liabilities"),
        _("held (verified)"),
        _("coverage"),
        _("surplus"),
        _("value"),
        _("cold"),
    )
    unknown = _("unknown")
    mapped: list[RenderableType] = []
    for a in report.assets:
        cells = [a.symbol, grouped(a.liabilities), grouped(a.customer_total) or unknown]
        cells += [grouped(x) or "-" for x in (a.coverage, a.surplus, a.surplus_value, a.cold_share)]
        assets.add_row(*(text_cell(x) for x in cells))
        for on in a.chains if a.split else []:
            # each chain's part of the holdings; what was read there, below the table
            # when a token counts as the asset by the attestation's mapping
            assets.add_row(
                text_cell("  " + _("on {chain}").format(chain=on.chain)),
                Text(""),
                text_cell(grouped(on.customer_total) or unknown),
            )
            if on.mapped:
                held = "; ".join(_.text(h) for h in on.held_as)
                where = _("on {chain}").format(chain=on.chain)
                mapped.append(text_cell(f"{a.symbol} {where}: {held}"))
    window: list[RenderableType] = []
    if report.window is not None:
        table = per_row(
            _("Across the window ({spec}; whole units)").format(spec=report.window.spec),
            Column(_("asset"), min_width=6),
            _("at snapshot"),
            _("minimum"),
            _("median"),
            _("maximum"),
            _("min cover"),
            _("in"),
            _("out"),
        )
        for w in report.window.assets:
            figures = (w.at_snapshot, w.minimum, w.median, w.maximum, w.min_coverage)
            flows = (w.inflow_before, w.outflow_after)
            table.add_row(
                text_cell(w.symbol), *(text_cell(grouped(x) or unknown) for x in (*figures, *flows))
            )
        window.append(table)
    parts: list[RenderableType] = [
        text_cell(
            _("{name} ({id}), snapshot {snapshot} at {time}; policy {policy} ({status})").format(
                name=report.exchange.name,
                id=report.exchange.id,
                snapshot=report.snapshot.id,
                time=report.snapshot.time.isoformat(),
                policy=report.policy.id,
                status=_.text(report.policy.status),
            )
        ),
        assets,
        *mapped,
        *window,
        checks,
        *policy_notes(report.policy, _),
        verdict_line(report, lang),
    ]
    return Group(*parts)


def checks_table(checks: list[ReportCheck], _: Translator) -> FittedTable:
    """Every check that did not pass and the groups (passing details folded)."""
    by_id = {c.id: c for c in checks}
    table = FittedTable(
        _("Checks ({count}; passing details folded)").format(count=len(checks)),
        [
            Column(_("check"), min_width=20),
            Column(_("status"), no_wrap=True),
            Column(_("expected"), min_width=10),
            Column(_("actual"), min_width=10),
            Column(_("reason"), min_width=10),
        ],
    )
    for c in checks:
        if _shown(c, by_id):
            table.add_row(
                text_cell("  " * c.depth + _named(c.id, _)),
                Text(status_word(c.status, _), style=STYLE[c.status]),
                text_cell(grouped(c.expected if c.expected is None else _.text(str(c.expected)))),
                text_cell(grouped(c.actual if c.actual is None else _.text(str(c.actual)))),
                text_cell(grouped(_.text(c.reason))),
            )
    return table


def policy_notes(policy: PolicyInfo, _: Translator) -> list[RenderableType]:
    """The policy's figures with how firm each is, its assumptions, and what the
    regime requires that a snapshot cannot show."""
    parts: list[RenderableType] = []
    if policy.figures:
        parts.append(Text(_("Figures of the policy (law, guidance, proposal or assumption):")))
        parts += [
            text_cell(f"  - {f.rule}.{f.field} = {f.value}: " + figure_status(f.status, _).upper())
            for f in policy.figures
        ]
    if policy.assumptions:
        parts.append(Text(_("Assumptions of the policy:"), style="bold"))
        parts += [text_cell(f"  - {_.text(a)}") for a in policy.assumptions]
    if policy.not_checked:
        parts.append(Text(_("Required by the regime, not checked at a snapshot:"), style="bold"))
        parts += [text_cell(f"  - {_.text(a)}") for a in policy.not_checked]
    return parts


class Judged(Protocol):
    """A report with a verdict over its checks: an exchange's or a stablecoin issuer's."""

    @property
    def verdict(self) -> Status: ...
    @property
    def checks(self) -> list[ReportCheck]: ...
    @property
    def policy(self) -> PolicyInfo: ...


def verdict_line(report: Judged, lang: Lang = Lang.EN) -> Text:
    _ = translator(lang)
    counts = {s: sum(c.status is s for c in report.checks) for s in Status}
    tally = _(", ").join(tally_words(_)[s].format(count=n) for s, n in counts.items())
    return Text(
        _("VERDICT: {verdict} under {policy} ({tally})").format(
            verdict=status_word(report.verdict, _).upper(),
            policy=printable(report.policy.id),
            tally=tally,
        ),
        style=STYLE[report.verdict],
    )
