"""Run the real `por` entry point in-process, as a user would, and see what it prints."""

import sys
from collections.abc import Callable

import pytest

from verifier.cli import main

Run = tuple[int, str, str]  # exit code, stdout, stderr


@pytest.fixture
def por(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    def run(*args: str) -> Run:
        monkeypatch.setattr(sys, "argv", ["por", *args])
        with pytest.raises(SystemExit) as e:
            main()
        out, err = capsys.readouterr()
        return int(e.value.code or 0), out, err

    return run
