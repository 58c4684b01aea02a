"""`por verify ... --json` run in-process, for tests that read the report it wrote."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.tree.helpers import run


def verify_json(attestation: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """Exit code, the report written beside the attestation (empty when none was) and
    the output; the report file is removed, so that the next run writes its own."""
    report = attestation.with_name(f"{attestation.stem}-report.json")
    r = run("verify", str(attestation), "--json", str(report), "--force", *args)
    data = json.loads(report.read_text()) if report.exists() else {}
    report.unlink(missing_ok=True)
    return r.exit_code, data, r.stdout + r.stderr


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in report["checks"]}


def passes_and_replays(
    verify: Callable[..., tuple[int, dict[str, Any], str]], evidence: Path, *window: str
) -> dict[str, Any]:
    """`verify(*args, rpc=...)` with `window` passes both window checks live, recording
    `evidence`, and the replay of that evidence offline gives the same window and checks.
    The live report."""
    code, report, output = verify(*window, "--evidence-out", str(evidence))
    assert code == 0, output
    found = statuses(report)
    assert (found["window.coverage"], found["window.dressing"]) == ("pass", "pass")
    code, replayed, output = verify(*window, "--offline", str(evidence), rpc=False)
    assert code == 0, output
    assert replayed["window"] == report["window"]
    assert statuses(replayed) == found
    return report
