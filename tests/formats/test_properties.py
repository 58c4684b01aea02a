"""Property tests: trees of any size and any balances, generated from the vendors'
definitions, verify; the same file with one balance changed does not."""

import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.formats import builders
from verifier.tree.formats import verify_file
from verifier.tree.formats.verdict import Verdict

amounts = st.decimals(
    min_value=0, max_value=10**12, places=8, allow_nan=False, allow_infinity=False
)
SETTINGS = settings(max_examples=40, deadline=None)


def check(doc: Any, **options: Any) -> Verdict:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "proof.json"
        p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
        return verify_file(p, **options)


@st.composite
def tree_input(draw: st.DrawFn, assets: int) -> tuple[list[list[str]], int]:
    n = 1 << draw(st.integers(1, 4))
    rows = [[format(draw(amounts), "f") for _ in range(assets)] for _ in range(n)]
    return rows, draw(st.integers(0, n - 1))


@SETTINGS
@given(tree_input(3), st.integers(0, 2), amounts.filter(bool))
def test_okx_v1_any_tree(data: tuple[list[list[str]], int], asset: int, delta: Decimal) -> None:
    rows, index = data
    doc = builders.okx_v1(rows, index)
    v = check(doc, commitment=doc["path"][-1]["hash"])
    assert v.included, v.failure
    # a pass only against the published root: the same file alone is inconclusive
    assert v.exit_code == 0 and check(doc).exit_code == 2
    doc["self"]["balances"][builders.OKX_ASSETS[asset]] = format(
        Decimal(rows[index][asset]) + delta, "f"
    )
    assert not check(doc).included


@SETTINGS
@given(tree_input(4), st.permutations(["BTC", "ETH", "USDT", "XRP"]), st.integers(0, 3))
def test_bybit_any_tree_and_asset_order(
    data: tuple[list[list[str]], int], assets: list[str], asset: int
) -> None:
    rows, index = data
    rows = [[format(Decimal(x), ".8f") for x in row] for row in rows]
    doc = builders.bybit(assets, rows, index)
    assert check(doc).included
    assert check(doc).status == "inconclusive"
    assert check(doc, commitment=doc["path"][-1]["hash"]).status == "pass"
    sibling = doc["path"][0]["balance"]
    sibling[assets[asset]] = format(Decimal(sibling[assets[asset]]) + Decimal("0.00000001"), ".8f")
    assert not check(doc).included


@SETTINGS
@given(
    st.integers(1, 4).flatmap(
        lambda k: st.tuples(
            st.lists(
                st.dictionaries(
                    st.sampled_from(["BTC", "ETH", "USDT", "USDC", "MX"]),
                    amounts.map(lambda d: format(d, "f")),
                    min_size=1,
                ),
                min_size=1 << k,
                max_size=1 << k,
            ),
            st.integers(0, (1 << k) - 1),
            st.booleans(),
        )
    )
)
def test_mexc_any_tree(data: tuple[list[dict[str, str]], int, bool]) -> None:
    balances, index, empty_last = data
    empty_last = empty_last and index != len(balances) - 1
    doc = builders.mexc(balances, index, empty_last=empty_last)
    v = check(doc, commitment=doc["pathList"][-1]["hash"])
    assert v.included, v.failure
    assert v.exit_code == 0 and check(doc).exit_code == 2
    token = next(iter(balances[index]))
    doc["self"]["balances"][token] = format(Decimal(balances[index][token]) + 1, "f")
    assert not check(doc).included


@SETTINGS
@given(tree_input(4), st.booleans())
def test_bitget_any_tree_both_generations(data: tuple[list[list[str]], int], numeric: bool) -> None:
    rows, index = data
    balances = [dict(zip(["BTC", "ETH", "USDT", "USDC"], row, strict=True)) for row in rows]
    text = builders.bitget(balances, index, numeric=numeric)
    assert check(text).included
    tampered = json.loads(text)
    tampered["path"][-1]["merkelLeaf"] = "0" * 16
    assert not check(json.dumps(tampered)).included


@SETTINGS
@given(
    st.lists(st.integers(0, 10**15), min_size=2, max_size=32).filter(
        lambda v: len(v) & (len(v) - 1) == 0
    ),
    st.data(),
)
def test_bitmex_any_tree(values: list[int], data: st.DataObject) -> None:
    mine = data.draw(st.sets(st.integers(0, len(values) - 1), min_size=1))
    key = builders.bitmex_sub_nonce(b"\x07" * 32, 1000, 5)
    leaves = [(v, key if i in mine else bytes([i]) * 32) for i, v in enumerate(values)]
    with tempfile.TemporaryDirectory() as d:
        tree, user = Path(d) / "tree.txt", Path(d) / "me.json"
        tree.write_text(builders.bitmex(leaves, 1000))
        user.write_text(json.dumps({"account": 5, "account_nonce": "07" * 32}))
        v = verify_file(user, tree=tree)
        assert v.included and v.balances["XBT"] == builders.strip(
            Decimal(sum(values[i] for i in mine)) / 10**8
        )
        assert v.status == "inconclusive"  # no published root given
        root = tree.read_text().splitlines()[1].split(",")[0]
        assert verify_file(user, tree=tree, commitment=root).status == "pass"
        assert verify_file(tree, commitment=root).status == "pass"
        assert verify_file(tree).status == "inconclusive"


@SETTINGS
@given(st.integers(2, 40), st.data())
def test_binance_any_leaf_count(n: int, data: st.DataObject) -> None:
    who = data.draw(st.integers(0, n - 1))
    leaves = [builders.binance_leaf(f"u{i}", "salt", "A", f"BTC={i}.0000") for i in range(n)]
    with tempfile.TemporaryDirectory() as d:
        root = builders.binance_2022(leaves, Path(d) / "tree", level0=data.draw(st.booleans()))
        user = Path(d) / "me.json"
        user.write_text(
            json.dumps(
                {
                    "user_id": f"u{who}",
                    "salt": "salt",
                    "audit_id": "A",
                    "balances": f"BTC={who}.0000",
                }
            )
        )
        assert verify_file(user, tree=Path(d) / "tree", commitment=root).included
        assert verify_file(user, tree=Path(d) / "tree", commitment=root).exit_code == 0
        assert verify_file(user, tree=Path(d) / "tree").exit_code == 2
