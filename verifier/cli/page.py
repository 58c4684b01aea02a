"""`por inclusion page`: write the customer's offline verification page."""

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.output import out
from verifier.cli.report_out import ForceOption, LangOption, planned_outputs
from verifier.i18n import Lang
from verifier.tree.page import render


def page(
    out_path: Annotated[
        Path, typer.Option("--out", help="Where to write the page, e.g. verify.html")
    ],
    force: ForceOption = False,
    lang: LangOption = Lang.EN,
) -> None:
    """Write one self-contained HTML page that verifies por-mst-v1 proofs offline, in the browser."""
    outputs = planned_outputs([], force, [(out_path, "--out")])
    html = render(lang).encode()
    with outputs:
        outputs.stage(out_path, html)
    digest = hashlib.sha256(html).hexdigest()
    out.print(f"wrote {out_path} ({len(html):,} bytes, sha256 {digest})", markup=False)
