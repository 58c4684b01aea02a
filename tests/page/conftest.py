import json
import random
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.page.cases import Source, synthetic
from tests.support.page_browser import CHROMIUM, ROOT, PageBrowser, page_browser
from tests.tree.helpers import run, write_ledger

ARTIFACTS = ROOT / "test-artifacts" / "page"


def build(d: Path, header: str, rows: list[tuple[str, ...]], assets: str, height: int) -> Path:
    ledger = write_ledger(d / "ledger.csv", rows, header)
    r = run(
        "tree", "build", str(ledger), "--assets", assets, "--snapshot-id", f"snap-{d.name}",
        "--height", str(height), "--nonce-key", "01" * 32, "--out", str(d / "out"),
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    return d / "out"


def tree_sources(out: Path, accounts: list[str]) -> list[Source]:
    root_json = (out / "root.json").read_bytes()
    commitment = json.loads(root_json)["root_commitment"]
    sources = []
    for account in accounts:
        r = run("tree", "proof", str(out), account)
        assert r.exit_code == 0, r.output
        sources.append(Source(json.loads(r.stdout), commitment, root_json))
    return sources


@pytest.fixture(scope="session")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Source]:
    """Valid proofs of many shapes: three built trees (1 to 4 assets, heights 1 to 12,
    decimals 0 to 36, non-ASCII names) and synthetic paths up to height 64."""
    rng = random.Random(7)
    found: list[Source] = []
    d = tmp_path_factory.mktemp("three-assets")
    rows = [
        (
            f"acct-{i}",
            f"{rng.randrange(10**6)}.{rng.randrange(10**8):08d}",
            str(rng.randrange(50)),
            "12.5",
        )
        for i in range(20)
    ]
    found += tree_sources(
        build(d, "account_id,BTC,ETH,USDT", rows, "BTC:8,ETH:18,USDT:6", 6),
        ["acct-0", "acct-7", "acct-19"],
    )
    d = tmp_path_factory.mktemp("one-asset")
    out = build(d, "account_id,USD", [("a", "1.25"), ("b", "0")], "USD:2", 1)
    found += tree_sources(out, ["a", "b"])
    d = tmp_path_factory.mktemp("four-assets")
    rows = [
        (f"kunde-{i}-ü", str(rng.randrange(10**9)), f"0.{rng.randrange(10**36):036d}", "7", "1")
        for i in range(40)
    ]
    out = build(d, "account_id,SATS,WEI36,€UR,日本円", rows, "SATS:0,WEI36:36,€UR:2,日本円:0", 12)
    found += tree_sources(out, ["kunde-0-ü", "kunde-39-ü"])
    for height, assets in [
        (64, [("BTC", 8), ("ETH", 18)]),
        (53, [("X", 0)]),
        (32, [("USDT", 6), ("Ω", 36), ("A", 1)]),
    ]:
        for n in range(2):
            found.append(
                synthetic(rng, height, assets, f"synthetic-{height}-{n}", f"snapshot {height}")
            )
    return found


@pytest.fixture(scope="session")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page as the CLI writes it."""
    path = tmp_path_factory.mktemp("page") / "verify.html"
    r = run("inclusion", "page", "--out", str(path))
    assert r.exit_code == 0, r.output
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/page/: screenshots for a person to look at (gitignored)."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@contextmanager
def opened(page: Path) -> Iterator[PageBrowser]:
    """Chromium with `page` loaded and its script ready."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: ./tasks test installs Debian's chromium")
    with page_browser() as b:
        b.call("open", url=page.as_uri())
        yield b


@pytest.fixture(scope="session")
def browser(page_file: Path) -> Iterator[PageBrowser]:
    with opened(page_file) as b:
        yield b


@pytest.fixture(autouse=True)
def quiet_and_offline(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every browser test: no console message, no page error, and no request
    but the page's own file:// load."""
    yield
    if "browser" not in request.fixturenames:
        return
    b: PageBrowser = request.getfixturevalue("browser")
    page_url: str = request.getfixturevalue("page_file").as_uri()
    log: dict[str, Any] = b.call("log")
    assert log["errors"] == []
    assert log["console"] == []
    assert log["requests"] == [page_url] and log["failed"] == []
