"""`por administer plan` on generated ledgers (any claims, any shortfall per asset,
any reserve, either rule) against the whole plan computed independently here, in
exact fractions; each customer's entitlement verified against the plan's root."""

import hmac
import json
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.administer.conftest import ASSETS, make_tree, plan, plan_rows, report_for
from tests.administer.test_allocate import independent_split
from tests.tree.helpers import run
from verifier.administer.write import _as_text
from verifier.tree.store import Accounts

JPY_DECIMALS = 0


@st.composite
def estates(draw: st.DrawFn) -> dict[str, Any]:
    """Accounts with any claims; per asset holdings anywhere from none to more than
    the claims, or not established; prices; a reserve; a rule."""
    n = draw(st.integers(1, 24))
    # a few values often: equal claims make equal remainders, where the tie order decides
    amount = st.one_of(st.sampled_from([0, 1, 3, 10**8]), st.integers(1, 10**30))
    rows = [(f"acct-{i:03d}", draw(st.lists(amount, min_size=3, max_size=3))) for i in range(n)]
    totals = [sum(units[j] for _, units in rows) for j in range(3)]
    held = []
    for total in totals:
        share = draw(
            st.sampled_from([None, Fraction(0), Fraction(1, 3), Fraction(999, 1000), 1, 2])
        )
        cold = None if share is None else int(total * share) // 2
        hot = (
            draw(st.one_of(st.none(), st.just(0)))
            if share is None
            else int(total * share) - (cold or 0)
        )
        held.append((cold, hot))
    prices = draw(
        st.lists(st.sampled_from(["150", "0.0001", "10000000", "3.5"]), min_size=3, max_size=3)
    )
    reserve = draw(st.one_of(st.none(), st.sampled_from(["0", "1", "12345.678", "99999999999999"])))
    rule = draw(st.sampled_from(["pro-rata", "smallest-first"]))
    return {"rows": rows, "held": held, "prices": prices, "reserve": reserve, "rule": rule}


def expected_plan(estate: dict[str, Any], leaves: dict[str, int]) -> list[dict[str, str]]:
    """The plan as the README states its rules, computed without the tool's code."""
    rows, k = estate["rows"], len(ASSETS)
    paid: list[list[int]] = []
    needs: dict[tuple[int, int], int] = {}
    for j, ((cold, hot), price) in enumerate(zip(estate["held"], estate["prices"], strict=True)):
        claims = [units[j] for _, units in rows]
        distributable = min((cold or 0) + (hot or 0), sum(claims))  # not established: zero
        ties = [leaves[a] for a, _ in rows]
        paid.append(independent_split(claims, distributable, ties))
        for i, (claim, got) in enumerate(zip(claims, paid[j], strict=True)):
            value = (claim - got) * Fraction(price) * 10**JPY_DECIMALS / 10 ** ASSETS[j][1]
            needs[(i, j)] = value.numerator // value.denominator  # rounded down
    reserve = estate["reserve"]
    fund = 0 if reserve is None else int(Fraction(reserve) * 10**JPY_DECIMALS)
    cells = sorted(needs)
    rank = {c: leaves[rows[c[0]][0]] * k + c[1] for c in cells}  # (leaf index, asset)
    wanted = [needs[c] for c in cells]
    if estate["rule"] == "pro-rata":
        given_out = independent_split(wanted, min(fund, sum(wanted)), [rank[c] for c in cells])
    else:
        given_out = [0] * len(cells)
        left = fund
        for at in sorted(range(len(cells)), key=lambda x: (wanted[x], rank[cells[x]])):
            given_out[at] = min(wanted[at], left)
            left -= given_out[at]
    topup = dict(zip(cells, given_out, strict=True))
    return [
        {
            "account_id": a,
            "asset": ASSETS[j][0],
            "claim": str(units[j]),
            "paid_in_kind": str(paid[j][i]),
            "fiat_topup": str(topup[(i, j)]),
        }
        for i, (a, units) in enumerate(rows)
        for j in range(k)
    ]


@given(estate=estates())
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_the_plan_is_the_independent_computation(
    estate: dict[str, Any], demo_report: dict[str, Any]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        ledger = make_tree(work, estate["rows"])
        report = work / "report.json"
        report.write_text(
            json.dumps(
                report_for(
                    demo_report, work / "tree", estate["held"], estate["prices"], estate["reserve"]
                )
            )
        )
        r = plan(work, ledger, report, work / "plan", "--reserve-use", estate["rule"])
        assert r.exit_code == 0, r.output
        stored = {
            a: (leaf, nonce) for a, leaf, nonce in Accounts(work / "tree" / "accounts.sqlite").all()
        }
        rows = plan_rows(work / "plan" / "plan.csv")
        assert rows == expected_plan(estate, {a: leaf for a, (leaf, _) in stored.items()})

        summary = json.loads((work / "plan" / "summary.json").read_text())
        for j, line in enumerate(summary["assets"]):
            mine = [r for r in rows if r["asset"] == ASSETS[j][0]]
            assert line["residue"] == "0"
            assert int(line["paid_in_kind"]) == sum(int(r["paid_in_kind"]) for r in mine)
            assert int(line["paid_in_kind"]) == int(line["distributable"])
            assert all(int(r["paid_in_kind"]) <= int(r["claim"]) for r in mine)
            cold, hot = estate["held"][j]
            counted_as_zero = [
                p for p, v in (("customer_cold", cold), ("customer_hot", hot)) if v is None
            ]
            assert line["holdings_counted_as_zero"] == counted_as_zero
        used = sum(int(r["fiat_topup"]) for r in rows)
        assert summary["reserve"]["used"] == str(used)
        assert used <= int(summary["reserve"]["counted"])

        # same input, same plan: every file byte for byte but the tree's private nonces'
        # store, whose row order is the ledger's too
        again = plan(work, ledger, report, work / "again", "--reserve-use", estate["rule"])
        assert again.exit_code == 0, again.output
        for name in ("plan.csv", "plan.parquet", "summary.json", "tree/root.json", "tree/tree.bin"):
            assert (work / "plan" / name).read_bytes() == (work / "again" / name).read_bytes(), name

        # every customer's entitlement verifies against the plan's root, and says what
        # the plan gives them; its nonce derives from their liability-tree nonce
        proofs = work / "proofs.jsonl"
        assert (
            run("tree", "export", str(work / "plan" / "tree"), "--out", str(proofs)).exit_code == 0
        )
        verified = run(
            "inclusion",
            "verify-all",
            str(proofs),
            "--root",
            str(work / "plan" / "tree" / "root.json"),
        )
        assert verified.exit_code == 0, verified.output
        plan_id = summary["plan_id"]
        for line in proofs.read_text().splitlines():
            proof = json.loads(line)
            mine = [r for r in rows if r["account_id"] == proof["account_id"]]
            fiat = sum(int(r["fiat_topup"]) for r in mine)
            assert proof["balances"] == [r["paid_in_kind"] for r in mine] + [str(fiat)]
            assert proof["snapshot_id"] == plan_id
            original = stored[proof["account_id"]][1]
            assert proof["nonce"] == hmac.digest(original, plan_id.encode(), "sha256").hex()


@given(st.lists(st.one_of(st.integers(0, 1 << 63), st.integers(0, (1 << 128) - 1)), max_size=40))
@settings(max_examples=200)
def test_amounts_are_written_as_str_writes_them(values: list[int]) -> None:
    """plan.csv and plan.parquet's amounts: exactly the integer's decimal text, through
    int64 or not, whatever its size."""
    assert _as_text(values).to_pylist() == [str(v) for v in values]
