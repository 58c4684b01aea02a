"""Help texts say what each input file holds, so that a user need not read the source."""

import pytest
from typer.testing import CliRunner

from verifier.cli import app
from verifier.io.ownership import COLUMNS


def _help(*command: str) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_ownership_verify_names_every_key_and_column() -> None:
    text = _help("ownership", "verify")
    for column in COLUMNS:
        assert column in text
    assert "JSON list" in text and "CSV" in text


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (("tree", "build"), ["account_id", "one column per asset", "decimal"]),
        (("tree", "audit"), ["accounts.sqlite", "nonce", "leaf index"]),
        (("attest",), ["por-attestation-v1", "liabilities.tree", "snapshot.chains"]),
        (("reconcile",), ["por-balances-v1", "por-prices-v1", "por-policy-v1"]),
        (("verify",), ["por-attestation-v1", "por-evidence-v1", "por-prices-v1"]),
        (("chain", "balances"), ["one address per line", "EIP-55", "raw(HEX)"]),
        (("history", "add"), ["por-report-v1", "~/.local/share/por-verifier/history.sqlite"]),
        (("history", "show"), ["$XDG_DATA_HOME/por-verifier/history.sqlite", "window"]),
    ],
)
def test_input_files_are_described(command: tuple[str, ...], says: list[str]) -> None:
    text = _help(*command)
    for words in says:
        assert words in text, (command, words)
