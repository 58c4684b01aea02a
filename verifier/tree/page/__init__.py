"""The customer's offline verification page: one self-contained HTML file.

The page re-implements the checks of verifier/models/proof.py and tree/verify.py in
JavaScript (WebCrypto SHA-256, BigInt) for customers who will not install Python;
tests/page/ holds it to the same verdicts and failure sentences as the Python
verifier. Scripts and styles are inlined and pinned by hash in a
Content-Security-Policy that forbids every network fetch, so the page cannot
send a proof anywhere even if it were altered to try.
"""

import base64
import hashlib
from importlib import resources

# Concatenated in this order into one script: each file uses names the earlier ones define.
SCRIPTS = ("json.js", "schema.js", "verify.js", "ui.js")

# Everything a page could fetch or send is 'none'; only the inline script and style,
# pinned by their SHA-256, may run. (frame-ancestors, report-uri and sandbox are not
# honoured in a <meta> policy, so they are left out rather than ignored with a warning.)
_NONE = (
    "default-src",
    "connect-src",
    "img-src",
    "font-src",
    "media-src",
    "object-src",
    "frame-src",
    "worker-src",
    "manifest-src",
    "child-src",
    "base-uri",
    "form-action",
)


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def content_security_policy(script: str, style: str) -> str:
    policy = [f"{name} 'none'" for name in _NONE]
    policy += [f"script-src {_sha256_source(script)}", f"style-src {_sha256_source(style)}"]
    return "; ".join(policy)


def render() -> str:
    """The page's HTML, ready to save and open from a file or serve as is."""
    files = resources.files(__package__)
    script = '"use strict";\n' + "\n".join((files / name).read_text() for name in SCRIPTS)
    style = (files / "page.css").read_text()
    if "</script" in script.lower() or "</style" in style.lower():
        raise ValueError("an inlined script or style would close its own element")
    html = (files / "page.html").read_text()
    return (
        html.replace("{{csp}}", content_security_policy(script, style))
        .replace("{{style}}", style)
        .replace("{{script}}", script)
    )
