"""What `por inclusion verify` says about a Case, in the form the page reports it.

The CLI is run in-process (typer's runner) on files, exactly as a customer would run
it, and its output is read back: exit code class, failure sentence, warnings, and
for malformed input the field and problem after the file name.
"""

from pathlib import Path
from typing import Any

from tests.page.cases import Case
from tests.tree.helpers import run

NOT_INCLUDED = "NOT INCLUDED (por-mst-v1): "
INCONCLUSIVE = "INCONCLUSIVE (por-mst-v1): "
ERROR = "por: error: "


def python_verdict(case: Case, workdir: Path, n: int) -> dict[str, Any]:
    proof = workdir / f"proof-{n}.json"
    proof.write_bytes(case.proof)
    # The page verifies por-mst-v1 only; auto-detection would answer a non-proof
    # with "not a file of any known format" instead of the schema's own reason.
    args = ["inclusion", "verify", str(proof), "--format", "por-mst-v1"]
    source = {str(proof): "proof"}
    if case.root is not None:
        root = workdir / f"root-{n}.json"
        root.write_bytes(case.root)
        args += ["--root", str(root)]
        source[str(root)] = "root"
    elif case.commitment is not None:
        args += ["--commitment", case.commitment]
    r = run(*args)
    lines = r.stdout.splitlines()
    warnings = [line.removeprefix("warning: ") for line in lines if line.startswith("warning: ")]
    if r.exit_code == 0:
        return {"verdict": "included", "warnings": warnings}
    if r.exit_code == 1:
        assert lines[0].startswith(NOT_INCLUDED), r.stdout
        return {
            "verdict": "not-included",
            "reason": lines[0][len(NOT_INCLUDED) :],
            "warnings": warnings,
        }
    assert r.exit_code == 2, r.output
    if lines and lines[0].startswith(INCONCLUSIVE):  # every check passed, nothing compared
        assert r.stderr == "", r.stderr
        return {
            "verdict": "inconclusive",
            "reason": lines[0][len(INCONCLUSIVE) :],
            "warnings": warnings,
        }
    line = r.stderr.strip()
    assert line.startswith(ERROR) and "\n" not in line, r.stderr
    line = line[len(ERROR) :]
    for path, which in [*source.items(), ("--commitment", "commitment")]:
        if line.startswith(path + ": "):
            return {"verdict": "malformed", "input": which, "detail": line[len(path) + 2 :]}
    raise AssertionError(f"unexpected error line: {r.stderr}")


def page_view(shown: dict[str, Any]) -> dict[str, Any]:
    """The page's DOM readout in the same form."""
    verdict = shown["verdict"]
    warnings = [w.removeprefix("Warning: ").removesuffix(".") for w in shown["warnings"]]
    if verdict == "included":
        return {"verdict": verdict, "warnings": warnings}
    if verdict in ("not-included", "inconclusive"):
        return {"verdict": verdict, "reason": shown["reason"], "warnings": warnings}
    assert verdict == "malformed", shown
    field, problem = shown["field"], shown["problem"]
    return {
        "verdict": verdict,
        "input": shown["input"],
        "detail": f"{field}: {problem}" if field else problem,
    }


def same_json_error(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Both refuse the file as JSON: the parsers' own words may differ, the class may not."""
    return (
        a["verdict"] == b["verdict"] == "malformed"
        and a["input"] == b["input"]
        and a["detail"].startswith("not valid JSON (")
        and b["detail"].startswith("not valid JSON (")
    )
