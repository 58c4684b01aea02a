"""The customer's offline verification page: one self-contained HTML file.

The page re-implements the checks of verifier/models/proof.py and tree/verify.py in
JavaScript (WebCrypto SHA-256, BigInt) for customers who will not install Python;
tests/page/ holds it to the same verdicts and failure sentences as the Python
verifier. Scripts and styles are inlined and pinned by hash in a
Content-Security-Policy that forbids every network fetch, so the page cannot
send a proof anywhere even if it were altered to try.

The page speaks English or Japanese: the text of page.html is marked `{{_:...}}` and
the script's sentences `_("...")`, both extracted into the gettext catalogue (see
babel.cfg); the script's translations go into the page as one object, MESSAGES, in
front of the script, so they are pinned by the same hash as the rest of it.
"""

import base64
import hashlib
import json
import re
from html import escape
from importlib import resources

from babel.messages.extract import extract

from verifier.i18n import Lang, translator
from verifier.tree import poseidon

# Concatenated in this order into one script: each file uses names the earlier ones define.
SCRIPTS = ("json.js", "schema.js", "verify.js", "zk.js", "ui.js")
# The Poseidon state widths the zk family's customer files hash with: 3 (the path),
# 5 and 6 (the leaves; Binance's asset commitment's last block), 7 (Gate's and HTX's
# asset commitments' last block) and 13 (every full block of 12). Only these go into
# the page, a third of the whole table.
POSEIDON_WIDTHS = (3, 5, 6, 7, 13)

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


# A text of page.html in the catalogue: {{_:English text}}.
PAGE_MESSAGE = re.compile(r"\{\{_:(.*?)\}\}", re.S)


def script_messages() -> list[str]:
    """The messages the page's script asks _() for, as Babel extracts them."""
    files = resources.files(__package__)
    found: list[str] = []
    for name in SCRIPTS:
        with (files / name).open("rb") as f:
            found += [
                m
                for _line, m, _comments, _context in extract("javascript", f)
                if isinstance(m, str)
            ]
    return list(dict.fromkeys(found))


def poseidon_table() -> str:
    """The constants of POSEIDON_WIDTHS, as zk.js reads them (hex, matrices by row)."""
    doc = poseidon.constants()
    widths = {
        str(t): {key: doc[key][t - 2] for key in ("C", "S", "M", "P")}
        | {"partial": int(doc["partial_rounds"][t - 2])}
        for t in POSEIDON_WIDTHS
    }
    return json.dumps({"source": doc["source"], "widths": widths}, separators=(",", ":"))


def render(lang: Lang = Lang.EN) -> str:
    """The page's HTML in `lang`, ready to save and open from a file or serve as is."""
    _ = translator(lang)
    files = resources.files(__package__)
    messages = {m: _(m) for m in script_messages()} if lang is not Lang.EN else {}
    # "</" written as "<\/" so that no message can close the script element
    table = json.dumps(messages, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    script = (
        '"use strict";\n'
        + f"const MESSAGES = {table};\n"
        + f"const POSEIDON = {poseidon_table()};\n"
        + "\n".join((files / name).read_text() for name in SCRIPTS)
    )
    style = (files / "page.css").read_text()
    if "</script" in script.lower() or "</style" in style.lower():
        raise ValueError("an inlined script or style would close its own element")
    html = PAGE_MESSAGE.sub(
        lambda m: escape(_(m.group(1))).replace("{command}", "<code>por inclusion verify</code>"),
        (files / "page.html").read_text(),
    )
    return (
        html.replace("{{lang}}", lang.value)
        .replace("{{csp}}", content_security_policy(script, style))
        .replace("{{style}}", style)
        .replace("{{script}}", script)
    )
