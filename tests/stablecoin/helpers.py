"""Running `por verify` on a stablecoin attestation and reading what it said."""

import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.tree.helpers import run

DEMO = ROOT / "fixtures" / "stablecoin"


def verify(attestation: Path, tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    """Exit code, the JSON report ({} when none was written) and the terminal output."""
    report = tmp_path / "report.json"
    report.unlink(missing_ok=True)
    r = run("verify", str(attestation), *extra, "--json", str(report))
    data = json.loads(report.read_text()) if report.exists() else {}
    return r.exit_code, data, r.stdout + r.stderr


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in report["checks"]}


def copy_demo(tmp_path: Path, sub: str = "") -> tuple[Path, Path, dict[str, Any]]:
    """The demo's attestation and bundle copied into tmp_path, and the attestation as data."""
    att, ev = tmp_path / "attestation.json", tmp_path / "evidence.json"
    shutil.copy(DEMO / sub / "attestation.json", att)
    shutil.copy(DEMO / sub / "evidence.json", ev)
    return att, ev, json.loads(att.read_text())
