"""Nesting is measured before any parser recurses: deep files and deep node answers are
bad input or a malformed answer, never a crash, even after web3 has raised the
interpreter's recursion limit for the whole process (py_ecc sets it to 100,000)."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chains.nesting import MAX_DEPTH, too_deep
from tests.tree.helpers import run

DEEP = 100_000


def depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab\n', max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\k', max_size=4), inner, max_size=3)
    ),
    max_leaves=40,
)


@given(value=json_values, limit=st.integers(0, 8))
def test_the_measure_is_the_depth_of_the_value(value: Any, limit: int) -> None:
    """Brackets inside strings (escaped quotes and backslashes too) are text."""
    assert too_deep(json.dumps(value), limit) == (depth(value) > limit)
    assert too_deep(json.dumps(value).encode(), limit) == (depth(value) > limit)


def test_the_limit_itself_is_allowed_and_one_more_is_not() -> None:
    assert not too_deep("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert too_deep("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    # many brackets side by side are not depth
    assert not too_deep("[" + "[]," * 10_000 + "[]]")
    assert not too_deep(json.dumps({"s": "[" * 10_000}))


def test_web3_raises_the_recursion_limit_the_measure_guards_against() -> None:
    """If this fails, the reason for chains/nesting.py has changed: read it again."""
    code = "import sys, web3; print(sys.getrecursionlimit())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) >= DEEP


def test_deep_files_are_bad_input_in_a_process_that_imported_web3(tmp_path: Path) -> None:
    """In a child process, so that a regression is a failed test, not a dead suite."""
    deep_json = tmp_path / "deep.json"
    deep_json.write_text('{"a": ' + "[" * DEEP + "]" * DEEP + "}")
    deep_toml = tmp_path / "deep.toml"
    deep_toml.write_text("a = " + "[" * DEEP + "]" * DEEP)
    dotted_toml = tmp_path / "dotted.toml"
    dotted_toml.write_text("[" + ".".join(["a"] * DEEP) + "]\nx = 1\n")
    code = textwrap.dedent(
        f"""
        import sys, web3
        from pathlib import Path
        from verifier.errors import InputError
        from verifier.io.documents import read_json_model, read_toml_model
        from verifier.models.attestation import Attestation
        from verifier.reconcile.policy import PolicyFile
        assert sys.getrecursionlimit() >= {DEEP}
        for path, read in (
            ({str(deep_json)!r}, lambda p: read_json_model(p, Attestation)),
            ({str(deep_toml)!r}, lambda p: read_toml_model(p, PolicyFile)),
            ({str(dotted_toml)!r}, lambda p: read_toml_model(p, PolicyFile)),
        ):
            try:
                read(Path(path))
            except InputError as e:
                print(e)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert len(lines) == 3, out.stdout
    for line, name in zip(lines, ("deep.json", "deep.toml", "dotted.toml"), strict=True):
        assert name in line and f"nested more than {MAX_DEPTH} levels deep" in line


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_a_deep_proof_is_one_line_through_the_cli(tmp_path: Path, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    proof = tmp_path / "proof.json"
    proof.write_text(opener * DEEP + "1" + closer * DEEP)
    r = run("inclusion", "verify", str(proof), "--commitment", "00" * 32)
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "nested more than 512 levels deep" in r.stderr
