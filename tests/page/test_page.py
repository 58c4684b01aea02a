"""The offline page in a real browser: the spec vector, the ways a customer gives
the published commitment, bad files, the keyboard, a phone-sized screen, and no
network. Screenshots land in test-artifacts/page/ for a person to look at."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.page.cases import Source, dump
from tests.support.page_browser import PageBrowser, upload
from verifier.tree.verify import NOT_COMPARED

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1000, "height": 900}


@pytest.fixture(scope="module")
def vector(shared: Path) -> dict[str, Any]:
    proof: dict[str, Any] = json.loads((shared / "spec" / "por-mst-v1-vector-1.json").read_bytes())
    return proof


def test_spec_vector_is_included_with_its_balances_totals_and_path(
    browser: PageBrowser, vector: dict[str, Any]
) -> None:
    shown = browser.check(upload("vector-1.json", dump(vector)), vector["root_commitment"])
    assert shown["verdict"] == "included" and shown["warnings"] == []
    assert shown["title"].startswith("Included")
    assert shown["balances"] == [["BTC", "0"], ["ETH", "0.5"], ["USDT", "1,234.5"]]
    assert shown["totals"] == [["BTC", "1.50000001"], ["ETH", "2.5"], ["USDT", "1,234.5"]]
    assert shown["levels"] == 1 + vector["height"]  # the leaf, then one entry per level


def test_spec_vector_without_a_published_commitment_says_it_proves_nothing(
    browser: PageBrowser, vector: dict[str, Any]
) -> None:
    shown = browser.check(upload("vector-alone.json", dump(vector)), None)
    # Inconclusive since issue 10 (it showed "included" with a warning before): the
    # verdict is the CLI's sentence itself, and the steps and amounts are still shown.
    assert shown["verdict"] == "inconclusive"
    assert shown["reason"] == NOT_COMPARED and shown["warnings"] == []
    assert shown["title"].startswith("Inconclusive") and "not compared" in shown["title"]
    assert shown["balances"] == [["BTC", "0"], ["ETH", "0.5"], ["USDT", "1,234.5"]]
    assert shown["levels"] == 1 + vector["height"]


def test_spec_vector_against_another_commitment_fails_step_6(
    browser: PageBrowser, vector: dict[str, Any]
) -> None:
    other = "f" * 64
    shown = browser.check(upload("vector-other.json", dump(vector)), other)
    assert shown["verdict"] == "not-included"
    assert shown["reason"] == (
        "step 6 (published commitment): the proof's root_commitment "
        f"{vector['root_commitment']} is not the published {other}"
    )


def test_published_root_json_can_be_picked_instead_of_pasted(
    browser: PageBrowser, sources: list[Source]
) -> None:
    src = sources[0]
    assert src.root_json is not None
    shown = browser.check(
        upload("mine.json", dump(src.proof)), root=upload("root.json", src.root_json)
    )
    assert shown["verdict"] == "included" and shown["warnings"] == []
    pasted = browser.call("evaluate", expression="document.getElementById('commitment').value")
    assert pasted == src.commitment


def test_a_dropped_proof_is_checked(browser: PageBrowser, sources: list[Source]) -> None:
    src = sources[1]
    shown = browser.check(upload("dropped.json", dump(src.proof)), src.commitment, drop=True)
    assert shown["verdict"] == "included" and shown["source"] == "dropped.json"


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        (b"{not json", None, "not valid JSON ("),
        (b"", None, "not valid JSON ("),
        (b"\xff\xfe{}", None, "not UTF-8 text"),
        (b"[]", None, "Input should be an object"),
        # the CLI's wording since issue 10 (pydantic's "Field required" before)
        (b'{"format": "por-mst-v1"}', "snapshot_id", "required field is missing"),
        (
            b'{"format": "por-mst-v1", "format": "x"}',
            None,
            "key 'format' appears twice in one object",
        ),
        (b'{"format": "por-mst-v1", "height": NaN}', None, "NaN is not a number a file may hold"),
        (b'{"format": "por-mst-v1", "height": -Infinity}', None, "-Infinity is not a number"),
        (b'{"a": {"k\'s": 1, "k\'s": 2}, "a": 1}', None, 'key "k\'s" appears twice in one object'),
        (b'{"format": "por-mst-v1",\n "\xe2\x82"}', None, "not UTF-8 text (byte 27)"),
        (b'\xef\xbb\xbf{"format": 1}', "format", "Input should be 'por-mst-v1'"),
    ],
)
def test_a_malformed_file_gets_one_clear_sentence(
    browser: PageBrowser, data: bytes, field: str | None, problem: str
) -> None:
    shown = browser.check(upload("bad.json", data), None)
    assert shown["verdict"] == "malformed" and shown["title"] == "This file cannot be checked."
    assert shown["field"] == field and shown["problem"].startswith(problem)
    reason = shown["reason"]
    assert reason.startswith("bad.json is not a valid por-mst-v1 proof") and reason.endswith(".")
    assert "\n" not in reason and (field is None or f"field {field}:" in reason)


def test_a_malformed_integer_names_its_field(browser: PageBrowser, vector: dict[str, Any]) -> None:
    bad = json.loads(json.dumps(vector))
    bad["siblings"][2]["sums"][1] = "1e3"
    shown = browser.check(upload("bad-sum.json", dump(bad)), vector["root_commitment"])
    # Field paths are written as the CLI writes them since issue 10 (siblings.2.sums.1 before)
    assert shown["verdict"] == "malformed" and shown["field"] == "siblings[2].sums[1]"
    assert shown["reason"] == (
        "bad-sum.json is not a valid por-mst-v1 proof, field siblings[2].sums[1]: not a "
        "canonical integer (ASCII digits in a JSON string, no sign, exponent or leading zero)."
    )


@pytest.mark.parametrize(
    ("edit", "field", "problem"),
    [
        (
            lambda r: r.update(snapshot_id=""),
            "snapshot_id",
            "String should have at least 1 character",
        ),
        (
            lambda r: r["root"].update(sums=["01"]),
            "root.sums[0]",
            "'01' is not a canonical integer",
        ),
        (
            lambda r: r.update(account_count=10**9),
            "account_count",
            "1000000000 accounts do not fit height",
        ),
        (
            lambda r: r.update(assets=r["assets"][:1] * 2),
            "assets",
            "an asset symbol is listed twice",
        ),
    ],
)
def test_a_bad_root_json_is_refused_as_the_cli_refuses_it(
    browser: PageBrowser, sources: list[Source], edit: Any, field: str, problem: str
) -> None:
    src = sources[0]
    assert src.root_json is not None
    root = json.loads(src.root_json)
    edit(root)
    shown = browser.check(upload("p.json", dump(src.proof)), root=upload("root.json", dump(root)))
    assert shown["verdict"] == "malformed" and shown["input"] == "root"
    assert shown["field"] == field and shown["problem"].startswith(problem)
    assert shown["reason"].startswith(
        f"root.json is not a valid published root file, field {field}:"
    )


def test_a_root_json_with_a_byte_order_mark_is_read(
    browser: PageBrowser, sources: list[Source]
) -> None:
    """As the CLI reads it (a spreadsheet's mark dropped), since issue 10."""
    src = sources[0]
    assert src.root_json is not None
    bom = upload("bom-root.json", b"\xef\xbb\xbf" + src.root_json)
    shown = browser.check(upload("p-bom.json", dump(src.proof)), root=bom)
    assert shown["verdict"] == "included"


def test_a_bad_pasted_commitment_is_one_sentence(
    browser: PageBrowser, vector: dict[str, Any]
) -> None:
    shown = browser.check(upload("vector-c.json", dump(vector)), "0x1234")
    assert shown["verdict"] == "malformed" and shown["input"] == "commitment"
    assert "64 hexadecimal characters" in shown["reason"]


def test_keyboard_reaches_every_control_in_order(
    browser: PageBrowser, vector: dict[str, Any]
) -> None:
    browser.check(upload("vector-k.json", dump(vector)), vector["root_commitment"])
    seen = browser.call("keyboard", keys=["Tab"] * 4)["seen"]
    assert seen == ["proof-file", "commitment", "root-file", "SUMMARY"]
    assert browser.call("evaluate", expression="document.getElementById('path').open") is False
    browser.call("press", key="Enter")
    assert browser.call("evaluate", expression="document.getElementById('path').open") is True


def test_styles_and_script_run_under_the_policy(browser: PageBrowser) -> None:
    """The hashes in the policy match: the script ran (it marked the page ready) and
    the stylesheet applied."""
    assert browser.call("evaluate", expression="document.documentElement.dataset.ready") == "1"
    bg = browser.call("evaluate", expression="getComputedStyle(document.body).backgroundColor")
    assert bg == "rgb(250, 250, 250)"


def _shoot(browser: PageBrowser, artifacts: Path, name: str, size: dict[str, int]) -> Path:
    path = artifacts / f"{name}-{size['width']}x{size['height']}.png"
    browser.call("screenshot", path=str(path), **size)
    assert path.stat().st_size > 10_000
    return path


def test_screenshots_of_a_valid_and_a_failed_verdict(
    browser: PageBrowser, sources: list[Source], artifacts: Path
) -> None:
    """Desktop and phone; at phone width nothing scrolls sideways, even at height 64."""
    src = sources[0]  # height 6, three assets
    tampered = json.loads(json.dumps(src.proof))
    tampered["siblings"][3]["sums"][0] = str(int(tampered["siblings"][3]["sums"][0]) + 1)
    for size in (DESKTOP, PHONE):
        browser.call("viewport", **size)
        shown = browser.check(
            upload(f"valid-{size['width']}.json", dump(src.proof)), src.commitment
        )
        assert shown["verdict"] == "included"
        _shoot(browser, artifacts, "valid", size)
        shown = browser.check(
            upload(f"failed-{size['width']}.json", dump(tampered)), src.commitment
        )
        assert shown["verdict"] == "not-included" and shown["reason"].startswith("step 4 (root)")
        _shoot(browser, artifacts, "failed", size)
    shown = browser.check(
        upload("malformed.json", b'{"format": "por-mst-v1", "height": 4.0}'), None
    )
    _shoot(browser, artifacts, "malformed", PHONE)
    browser.call("viewport", **DESKTOP)


def test_nothing_scrolls_sideways_on_a_phone_even_at_height_64(
    browser: PageBrowser, sources: list[Source]
) -> None:
    deep = next(s for s in sources if s.proof["height"] == 64)
    browser.call("viewport", **PHONE)
    try:
        shown = browser.check(upload("deep.json", dump(deep.proof)), deep.commitment)
        assert shown["verdict"] == "included" and shown["levels"] == 65
        browser.call("evaluate", expression="document.getElementById('path').open = true")
        sizes = browser.call(
            "evaluate",
            expression="[document.documentElement.scrollWidth, document.documentElement.clientWidth]",
        )
        assert sizes[0] <= sizes[1] == PHONE["width"]
    finally:
        browser.call("viewport", **DESKTOP)


def _recorder(hits: list[str]) -> type[BaseHTTPRequestHandler]:
    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: Any) -> None:
            pass

    return Recorder


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    hits: list[str] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _recorder(hits))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_the_policy_blocks_every_way_out(
    browser: PageBrowser, page_file: Path, listener: tuple[str, list[str]]
) -> None:
    """Even script that tries (here injected through DevTools) cannot reach a server
    listening on this machine: fetch, an image, a beacon."""
    target, hits = listener
    probe = browser.call("probe", url=page_file.as_uri(), target=target)
    assert probe["outcome"]["fetch"].startswith("refused")
    assert probe["outcome"]["image"] == "refused"
    assert hits == []
    # Chromium reports the image it refused as a request that failed on the policy
    tried = probe["log"]["requests"][1:]
    assert probe["log"]["requests"][0] == page_file.as_uri()
    assert probe["log"]["failed"] == [[url, "csp"] for url in tried], probe["log"]
    assert probe["log"]["console"] and all(
        "Content Security Policy" in m for m in probe["log"]["console"]
    )
