"""`por inclusion page`: write the customer's offline verification page."""

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from verifier.cli.output import out
from verifier.errors import InputError
from verifier.tree.page import render


def page(
    out_path: Annotated[
        Path, typer.Option("--out", help="Where to write the page, e.g. verify.html")
    ],
) -> None:
    """Write one self-contained HTML page that verifies por-mst-v1 proofs offline, in the browser."""
    html = render().encode()
    try:
        out_path.write_bytes(html)
    except OSError as e:
        raise InputError(str(out_path), None, e.strerror or "cannot write") from None
    digest = hashlib.sha256(html).hexdigest()
    out.print(f"wrote {out_path} ({len(html):,} bytes, sha256 {digest})", markup=False)
