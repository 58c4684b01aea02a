"""`por` imports a command's module only when that command is run (issue 12: the
start-up was most of a 1M-account `por tree build`). Asked of a fresh interpreter,
as a user's shell would start it; no wall-clock figure (benchmarks/tree.py has those)."""

import subprocess
import sys

import pytest

# Modules only other commands need: the Ethereum and Bitcoin code, the verdict reports.
FOREIGN = (
    "web3",
    "eth_abi",
    "pbk",
    "coincurve",
    "httpx",
    "verifier.report.model",
    "verifier.report.html_report",
    "verifier.cli.verify",
)

_LOADED = """
import sys
from verifier.cli import main
sys.argv = ["por", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(" ".join(sys.modules), file=sys.stderr)
"""


def _loaded(*command: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _LOADED, *command], capture_output=True, text=True, check=True
    )
    return set(done.stderr.split())


def _foreign(modules: set[str]) -> set[str]:
    return {m for m in modules for f in FOREIGN if m == f or m.startswith(f"{f}.")}


@pytest.mark.parametrize(
    "command", [("tree", "build", "--help"), ("tree", "proof", "--help"), ("tree",)]
)
def test_a_tree_command_loads_no_other_commands_code(command: tuple[str, ...]) -> None:
    modules = _loaded(*command)
    assert "verifier.cli.tree" in modules
    assert not _foreign(modules), sorted(_foreign(modules))


def test_the_list_of_commands_loads_them_all() -> None:
    """The counterpart: `por --help` shows every command's help, so it builds them."""
    modules = _loaded("--help")
    assert {"verifier.cli.verify", "verifier.cli.administer", "pbk"} <= modules
