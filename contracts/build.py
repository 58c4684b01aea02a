"""Regenerate contracts/build/*.json from the .sol sources with solcjs, offline.

Run from the repo root: .venv/bin/python contracts/build.py
The compiler is npm's `solc` (node_modules/.bin/solcjs, pinned in package-lock.json),
so the artifacts are reproducible byte for byte; the tests check that they are current.
"""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOLCJS = HERE.parent / "node_modules" / ".bin" / "solcjs"
SETTINGS = {
    "optimizer": {"enabled": True, "runs": 200},
    "evmVersion": "cancun",
    "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}},
}


def compile_all() -> dict[str, dict[str, object]]:
    sources = {p.name: {"content": p.read_text()} for p in sorted(HERE.glob("*.sol"))}
    job = {"language": "Solidity", "sources": sources, "settings": SETTINGS}
    done = subprocess.run(
        [str(SOLCJS), "--standard-json"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=True,
    )
    # solcjs prints a warning line before the JSON when no SMT solver is found.
    out = json.loads(done.stdout[done.stdout.index("{") :])
    errors = [e for e in out.get("errors", []) if e["severity"] == "error"]
    if errors:
        sys.exit("\n".join(e["formattedMessage"] for e in errors))
    artifacts = {}
    for source, contracts in out["contracts"].items():
        for name, c in contracts.items():
            artifacts[name] = {
                "contractName": name,
                "sourceName": source,
                "compiler": "solcjs (npm solc, see package-lock.json)",
                "settings": {k: v for k, v in SETTINGS.items() if k != "outputSelection"},
                "abi": c["abi"],
                "bytecode": "0x" + c["evm"]["bytecode"]["object"],
                "deployedBytecode": "0x" + c["evm"]["deployedBytecode"]["object"],
            }
    return artifacts


def render(artifact: dict[str, object]) -> str:
    return json.dumps(artifact, indent=1, sort_keys=True) + "\n"


def main() -> None:
    out_dir = HERE / "build"
    out_dir.mkdir(exist_ok=True)
    for name, artifact in compile_all().items():
        (out_dir / f"{name}.json").write_text(render(artifact))
        print(f"contracts/build/{name}.json")


if __name__ == "__main__":
    main()
