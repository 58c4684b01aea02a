"""`por inclusion page --out FILE`: one self-contained file whose policy forbids the network."""

import base64
import hashlib
import re
from pathlib import Path

from tests.tree.helpers import run


def test_writes_the_page_and_names_its_sha256(tmp_path: Path) -> None:
    out = tmp_path / "verify.html"
    r = run("inclusion", "page", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert hashlib.sha256(out.read_bytes()).hexdigest() in r.stdout


def test_an_unwritable_destination_is_one_line_exit_2(tmp_path: Path) -> None:
    r = run("inclusion", "page", "--out", str(tmp_path / "no-such-dir" / "verify.html"))
    assert r.exit_code == 2
    assert r.stderr.startswith("por: error: ") and len(r.stderr.strip().splitlines()) == 1


def _page(tmp_path: Path) -> str:
    out = tmp_path / "verify.html"
    assert run("inclusion", "page", "--out", str(out)).exit_code == 0
    return out.read_text()


def test_everything_is_inline_and_pinned_by_hash(tmp_path: Path) -> None:
    html = _page(tmp_path)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(scripts) == 1 and len(styles) == 1
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b[^>]*\b(src|href)=", html)
    assert not re.search(r"@import|url\(", styles[0])
    assert not re.search(r"\bstyle=", html)  # inline style attributes would need 'unsafe-hashes'
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp
    policy = dict(d.strip().split(" ", 1) for d in csp.group(1).split(";"))

    def pin(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert policy["script-src"] == pin(scripts[0])
    assert policy["style-src"] == pin(styles[0])
    for directive in (
        "default-src",
        "connect-src",
        "img-src",
        "font-src",
        "form-action",
        "base-uri",
    ):
        assert policy[directive] == "'none'", directive
    assert "unsafe" not in csp.group(1)
    # the policy comes before anything it governs
    assert html.index("Content-Security-Policy") < html.index("<style>") < html.index("<script>")
