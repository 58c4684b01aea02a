"""The page and `por inclusion verify` agree: 1,200 proofs, valid and tampered in every
way the Python verifier's own tests tamper them, go through the page's file input in
one page load; each must get the same verdict class (included / inconclusive / not
included / malformed) and the same reason: the same failure sentence for steps 2-6,
the same sentence for a root not compared with a published value, the same field and
problem for a malformed file (a key written twice, NaN, not UTF-8 in the CLI's words;
for a file that is not JSON at all, both must say so: the parsers' wording of where
differs)."""

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.page.cases import Case, Source, generate
from tests.page.reference import page_view, python_verdict, same_json_error
from tests.support.page_browser import PageBrowser, upload

pytestmark = pytest.mark.browser

N = 1200


def as_upload(case: Case, n: int) -> dict[str, object]:
    return {
        "proof": upload(f"proof-{n}.json", case.proof),
        "commitment": case.commitment,
        "root": None if case.root is None else upload(f"root-{n}.json", case.root),
    }


def test_page_and_python_agree_on_every_proof(
    browser: PageBrowser, sources: list[Source], tmp_path: Path
) -> None:
    cases = generate(random.Random(20261126), sources, N)
    # the browser works through the batch in its own processes while Python does its part
    with ThreadPoolExecutor(1) as pool:
        page = pool.submit(browser.batch, [as_upload(c, n) for n, c in enumerate(cases)])
        expected = [python_verdict(c, tmp_path, n) for n, c in enumerate(cases)]
        shown = page.result()
    mismatches = []
    for n, (case, want, got) in enumerate(zip(cases, expected, shown, strict=True)):
        view = page_view(got)
        if view != want and not same_json_error(view, want):
            mismatches.append((n, case.label, want, view))
    for m in mismatches[:40]:
        print("MISMATCH", m)
    assert mismatches == []
    # the draw covered what it claims to: every verdict class, every step, every mutation
    verdicts = Counter(v["verdict"] for v in expected)
    assert min(verdicts[k] for k in ("included", "not-included", "malformed")) >= 100, verdicts
    assert verdicts["inconclusive"] >= 10, verdicts  # valid proofs given no commitment
    reasons = " ".join(v.get("reason", "") for v in expected)
    for step in (
        "step 2 (leaf)",
        "step 3 (path)",
        "sibling sum of",
        "step 4 (root)",
        "step 5",
        "step 6",
    ):
        assert step in reasons, step
    inputs = Counter(v.get("input") for v in expected if v["verdict"] == "malformed")
    assert min(inputs[k] for k in ("proof", "root", "commitment")) >= 1, inputs
    details = " ".join(v.get("detail", "") for v in expected)
    for refusal in ("appears twice in one object", "is not a number a file may hold"):
        assert refusal in details, refusal
    # 16 since issue 10 added m_duplicate (a key written twice) to the 15 mutations
    assert len({c.label for c in cases}) == 16
