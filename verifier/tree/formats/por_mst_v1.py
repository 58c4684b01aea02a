"""por-mst-v1, our own format: the lead's verifier (verifier.tree.verify) wrapped in
the common interface, its behaviour unchanged."""

from verifier.errors import OptionError
from verifier.models.proof import parse_proof
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import Verdict
from verifier.tree.verify import verify_proof

NAME = "por-mst-v1"
TAKES_TREE = False
# Either key names the file as ours; its own parser then names any other missing field.
REQUIRED: tuple[str, ...] = ("format|root_commitment",)


def detect(doc: Doc) -> bool:
    top = doc.value if doc.kind == "json" else None
    return isinstance(top, dict) and (top.get("format") == NAME or "root_commitment" in top)


def verify(doc: Doc, request: Request) -> Verdict:
    if request.published is not None and len(request.published) != 64:
        raise OptionError("commitment", "not 32 bytes of hex")
    v = verify_proof(parse_proof(doc.text, doc.source), request.published)
    return Verdict(
        format=v.format,
        included=v.included,
        root=v.root,
        compared=v.compared,
        failure=v.failure,
        account=v.account,
        balances=dict(v.balances),
    )
