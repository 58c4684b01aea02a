"""The offline page on customer files of the zk family (binance-zk, gate-zk, htx-zk),
in real Chromium, against `por inclusion verify` on the same files: the same verdict
class and reason and the same warnings for Gate's and Binance's published samples, for
generated files of each vendor, and for every one-field change of each (a value
changed, so that detection is unchanged); malformed fields named alike."""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.formats.tamper import scalars, tampered
from tests.formats.test_zk import GATE_ROOT, GENERATED, root_of
from tests.page.reference import ERROR, page_view
from tests.support.page_browser import PageBrowser, upload
from tests.tree.helpers import run
from verifier.tree.verify import NOT_COMPARED

pytestmark = pytest.mark.browser


def cli_view(doc: Any, commitment: str | None, workdir: Path, n: int) -> dict[str, Any]:
    """What `por inclusion verify` says of the file, in the page's readout form."""
    path = workdir / f"zk-{n}.json"
    path.write_text(json.dumps(doc))
    r = run("inclusion", "verify", str(path), *(["--commitment", commitment] if commitment else []))
    lines = r.stdout.splitlines()
    warnings = [line.removeprefix("warning: ") for line in lines if line.startswith("warning: ")]
    first = lines[0] if lines else ""
    if r.exit_code == 0:
        return {"verdict": "included", "warnings": warnings}
    if r.exit_code == 1:
        if first.startswith("NOT INCLUDED ("):
            reason = first.split("): ", 1)[1]
        else:  # every check passed but a balance is negative: the FAIL line says where
            fail = next(line for line in lines if line.startswith("FAIL"))
            reason = fail.split(": ", 1)[1]
        return {"verdict": "not-included", "reason": reason, "warnings": warnings}
    assert r.exit_code == 2, r.output
    if first.startswith("INCONCLUSIVE ("):
        return {"verdict": "inconclusive", "reason": first.split("): ", 1)[1], "warnings": warnings}
    line = r.stderr.strip()
    assert line.startswith(ERROR + str(path) + ": "), r.stderr
    return {"verdict": "malformed", "input": "proof", "detail": line[len(ERROR + str(path)) + 2 :]}


def page_of(browser: PageBrowser, doc: Any, commitment: str | None, n: int) -> dict[str, Any]:
    shown = browser.check(upload(f"zk-{n}.json", json.dumps(doc)), commitment)
    return page_view(shown)


def test_gates_published_sample(browser: PageBrowser, shared: Path, tmp_path: Path) -> None:
    sample = json.loads((shared / "external" / "gate-zk" / "user_config.json").read_text())
    shown = browser.check(upload("gate.json", json.dumps(sample)), GATE_ROOT)
    assert shown["verdict"] == "included", shown
    assert shown["balances"] == [
        ["TotalAssetEquity", "1,737,312,900,000,000"],
        ["TotalAssetDebt", "0"],
    ]
    assert any("batch zk proofs (Groth16)" in w for w in shown["warnings"])
    for n, commitment in enumerate((GATE_ROOT, None, GATE_ROOT[:-1] + "7")):
        assert page_of(browser, sample, commitment, n) == cli_view(sample, commitment, tmp_path, n)
    alone = page_of(browser, sample, None, 9)
    assert alone["verdict"] == "inconclusive" and alone["reason"] == NOT_COMPARED


def test_binances_published_sample_fails_at_its_root(
    browser: PageBrowser, shared: Path, tmp_path: Path
) -> None:
    sample = json.loads((shared / "external" / "binance-zk" / "user_config.json").read_text())
    view = page_of(browser, sample, sample["Root"], 0)
    assert view["verdict"] == "not-included"
    assert view["reason"].startswith("root (Root): the leaf recomputed from your values")
    assert view == cli_view(sample, sample["Root"], tmp_path, 0)


@pytest.mark.parametrize("fmt", sorted(GENERATED))
def test_page_and_cli_agree_on_every_one_field_change(
    browser: PageBrowser, tmp_path: Path, fmt: str
) -> None:
    d = GENERATED[fmt]()
    root = root_of(d)
    cases: list[tuple[Any, str | None]] = [(d, root), (d, None), (d, "00" * 32)]
    cases += [(tampered(d, field), root) for field in scalars(d)]
    uploads = [
        {"proof": upload(f"zk-{n}.json", json.dumps(doc)), "commitment": c, "root": None}
        for n, (doc, c) in enumerate(cases)
    ]
    shown = browser.batch(uploads)
    mismatches = []
    for n, ((doc, commitment), got) in enumerate(zip(cases, shown, strict=True)):
        want = cli_view(doc, commitment, tmp_path, n)
        if page_view(got) != want:
            mismatches.append((n, want, page_view(got)))
    assert mismatches == [], mismatches[:5]
    verdicts = [page_view(s)["verdict"] for s in shown]
    assert verdicts[:3] == ["included", "inconclusive", "not-included"]
    assert "malformed" in verdicts and "included" not in verdicts[3:]


def test_a_negative_htx_balance_fails_on_the_page_as_in_the_cli(
    browser: PageBrowser, tmp_path: Path
) -> None:
    d = GENERATED["htx-zk"](balances=(32, -5, 2**62))
    view = page_of(browser, d, root_of(d), 0)
    assert view["verdict"] == "not-included"
    assert view["reason"] == "negative balance at Assets.1.Balance: -5"
    assert view == cli_view(d, root_of(d), tmp_path, 0)
