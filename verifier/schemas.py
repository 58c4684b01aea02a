"""Every file format the tool reads or writes, by the name of its JSON Schema in
`schemas/`. The schemas are generated from the models (scripts/export_schemas.py) and
a test keeps the committed copies current."""

import json
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter

from chains.evidence import Bundle
from verifier.models.attestation import Attestation
from verifier.models.balances import BalancesFile
from verifier.models.plan import PlanSummary
from verifier.models.prices import PricesFile
from verifier.models.proof import PROOF
from verifier.models.stablecoin import StablecoinAttestation
from verifier.models.tree import TreeRoot
from verifier.reconcile.policy import PolicyFile
from verifier.report.model import Report
from verifier.report.stablecoin import StablecoinReport

# name -> (the model, whether the tool writes it: written files are described as they
# are serialized, read files as they are validated)
FORMATS: dict[str, tuple[type[BaseModel] | TypeAdapter[Any], bool]] = {
    "attestation": (Attestation, False),
    "stablecoin-attestation": (StablecoinAttestation, False),
    "balances": (BalancesFile, False),
    "prices": (PricesFile, False),
    "policy": (PolicyFile, False),
    "report": (Report, True),
    "stablecoin-report": (StablecoinReport, True),
    "tree-root": (TreeRoot, True),
    "inclusion-proof": (PROOF, True),
    "plan-summary": (PlanSummary, True),
    # read by --offline and written by --evidence-out; described as it is read
    "evidence": (Bundle, False),
}


def schema_texts() -> dict[str, str]:
    """File name in schemas/ -> its content."""
    out = {}
    for name, (model, written) in FORMATS.items():
        mode: Literal["validation", "serialization"] = "serialization" if written else "validation"
        if isinstance(model, TypeAdapter):
            schema = model.json_schema(mode=mode)
        else:
            schema = model.model_json_schema(mode=mode)
        schema = {"$id": f"por-verifier/{name}.schema.json", **schema}
        out[f"{name}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out
