"""The report as JSON: the whole of it, in the shape `schemas/report.schema.json` gives."""

from verifier.report.model import Report


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"
