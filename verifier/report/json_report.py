"""The report as JSON: the whole of it, in the shape `schemas/report.schema.json` (or,
for a stablecoin issuer, `schemas/stablecoin-report.schema.json`) gives."""

from verifier.report.model import Report
from verifier.report.stablecoin import StablecoinReport


def render_json(report: Report | StablecoinReport) -> str:
    return report.model_dump_json(indent=2) + "\n"
