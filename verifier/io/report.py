"""Reading back a report that `por verify --json` wrote, for the history and for the
administrator's plan.

A report is refused whole unless it is one: a JSON object whose `format` is the
report format's, then every field as the report model has it. The check on `format`
comes first so that an attestation or a balances file given by mistake is named for
what it is not, rather than by the first of its fields the report model lacks."""

from pathlib import Path

from verifier.errors import InputError
from verifier.io.documents import json_model
from verifier.io.files import read_text
from verifier.io.jsontext import parse_json
from verifier.report.model import Report

REPORT_FORMAT: str = Report.model_fields["format"].default


def load_report(path: Path) -> Report:
    text = read_text(path)
    doc = parse_json(text, str(path))
    if not isinstance(doc, dict) or doc.get("format") != REPORT_FORMAT:
        raise InputError(
            str(path), "format", f"not a por verify report (its format must be {REPORT_FORMAT})"
        )
    return json_model(text, str(path), Report)
