"""Property: whatever one to three JSON edits do to a valid proof (any value replaced
by any JSON value, any key removed or added), the page and `por inclusion verify`
give the same verdict for the same reason. Hypothesis explores the schema's corners
(which problem is named first when several exist) that the tampering catalogue of
test_differential.py does not list."""

import json
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.page.cases import Case, Source, dump
from tests.page.reference import page_view, python_verdict, same_json_error
from tests.page.test_differential import as_upload
from tests.support.page_browser import PageBrowser
from tests.support.places import places

pytestmark = pytest.mark.browser
_names = count()  # every example's file gets its own name: the page's verdict is matched by it

# Printable text without brackets: the CLI prints through rich, which drops control
# characters and reads [..] as markup, so such text would differ in the terminal only.
TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="[]"), max_size=8
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**140)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
    | st.sampled_from(["0", "1", str(2**128), str(2**128 - 1), "01", "-1", "a" * 64, "A" * 64])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


@st.composite
def edited(draw: st.DrawFn, proof: dict[str, Any]) -> Any:
    p: Any = json.loads(json.dumps(proof))
    for _ in range(draw(st.integers(1, 3))):
        spots = list(places(p))
        path = draw(st.sampled_from(spots))
        if not path:
            continue
        parent = p
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(JSON)
        elif action == "remove":
            parent.pop(path[-1])
        elif isinstance(parent, dict):
            parent[draw(TEXT)] = draw(JSON)
        else:
            parent.insert(draw(st.integers(0, len(parent))), draw(JSON))
    return p


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_json_edit_gets_the_same_answer(
    browser: PageBrowser, sources: list[Source], tmp_path: Path, data: st.DataObject
) -> None:
    src = data.draw(st.sampled_from(sources))
    case = Case("edited", dump(data.draw(edited(src.proof))), src.commitment)
    n = next(_names)
    want = python_verdict(case, tmp_path, n)
    view = page_view(browser.batch([as_upload(case, n)])[0])
    assert view == want or same_json_error(view, want)
