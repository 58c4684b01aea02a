"""The customer page in Japanese (`por inclusion page --lang ja`), in headless
Chromium: its own sentences in Japanese, figures grouped, the failure sentence still
the CLI's word for word, the same policy that forbids the network; screenshots in
test-artifacts/page/."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.i18n.english import english_in
from tests.page.cases import Source, dump
from tests.page.conftest import opened
from tests.support.page_browser import PageBrowser, upload
from tests.tree.helpers import run
from verifier.tree.verify import NOT_COMPARED

pytestmark = pytest.mark.browser

SIZES = [{"width": 1000, "height": 900}, {"width": 360, "height": 740}]


@pytest.fixture(scope="module")
def ja_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page-ja") / "verify-ja.html"
    r = run("inclusion", "page", "--lang", "ja", "--out", str(path))
    assert r.exit_code == 0, r.output
    return path


@pytest.fixture(scope="module")
def ja_browser(ja_page: Path) -> Iterator[PageBrowser]:
    with opened(ja_page) as b:
        yield b
        log: dict[str, Any] = b.call("log")
        # the script ran under the page's policy with its translations, and reached nothing
        assert (log["errors"], log["console"], log["failed"]) == ([], [], [])
        assert log["requests"] == [ja_page.as_uri()]


def test_the_page_is_japanese(ja_browser: PageBrowser) -> None:
    assert ja_browser.call("evaluate", expression="document.documentElement.lang") == "ja"
    text = ja_browser.call("evaluate", expression="document.body.innerText")
    assert "私の残高は交換業者の準備金証明に含まれていますか" in text
    assert "por inclusion verify" in text  # the footer keeps the command as code
    assert "Drop your proof file" not in text
    assert english_in(text) == []  # none of the catalogue's English sentences


def test_a_valid_proof_in_japanese_with_grouped_figures(
    ja_browser: PageBrowser, sources: list[Source], artifacts: Path
) -> None:
    src = sources[0]  # three assets, amounts up to a million
    for size in SIZES:
        ja_browser.call("viewport", **size)
        shown = ja_browser.check(
            upload(f"valid-ja-{size['width']}.json", dump(src.proof)), src.commitment
        )
        assert shown["verdict"] == "included"
        assert shown["title"].startswith("含まれています")
        text = ja_browser.call("evaluate", expression="document.body.innerText")
        assert english_in(text) == []  # the result, its balances and notes in Japanese
        wide = ja_browser.call(
            "evaluate",
            expression="document.documentElement.scrollWidth > document.documentElement.clientWidth",
        )
        assert wide is False
        path = artifacts / f"valid-ja-{size['width']}x{size['height']}.png"
        ja_browser.call("screenshot", **size, path=str(path))
        assert path.stat().st_size > 10_000
    decimals = {a["symbol"]: a["decimals"] for a in src.proof["assets"]}
    for (symbol, shown_amount), units in zip(shown["balances"], src.proof["balances"], strict=True):
        whole, _, frac = shown_amount.replace(",", "").partition(".")
        assert int(whole + frac.ljust(decimals[symbol], "0")) == int(units)  # every digit
        assert all(len(g) == 3 for g in shown_amount.split(".")[0].split(",")[1:])


def test_failures_in_japanese_keep_the_clis_sentence(
    ja_browser: PageBrowser, sources: list[Source], artifacts: Path
) -> None:
    src = sources[0]
    tampered = json.loads(json.dumps(src.proof))
    tampered["siblings"][3]["sums"][0] = str(int(tampered["siblings"][3]["sums"][0]) + 1)
    shown = ja_browser.check(upload("failed-ja.json", dump(tampered)), src.commitment)
    assert shown["verdict"] == "not-included" and shown["title"].startswith("含まれていません")
    assert shown["reason"].startswith("step 4 (root)")  # as `por inclusion verify` says it
    ja_browser.call("screenshot", **SIZES[0], path=str(artifacts / "failed-ja-1000x900.png"))
    shown = ja_browser.check(upload("alone-ja.json", dump(src.proof)), None)
    assert shown["verdict"] == "inconclusive" and shown["title"].startswith("判定不能")
    assert shown["reason"] == NOT_COMPARED
