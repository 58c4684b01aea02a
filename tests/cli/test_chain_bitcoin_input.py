"""`por chain balances --chain bitcoin`: bad address lists stop before any node is asked."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.cli import Run

Por = Callable[..., Run]
SNAP = "5:" + "ab" * 32
P2WPKH = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ([P2WPKH, P2WPKH.upper()], "line 2: BC1Q"),
        ([P2WPKH, "raw(0014751e76e8199196d454941c45d1b3a323f1433bd6)"], "same script as bc1q"),
        (["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "tb1qnope"], "line 2: tb1qnope"),
    ],
)
def test_a_bad_list_names_the_line(por: Por, tmp_path: Path, lines: list[str], says: str) -> None:
    path = tmp_path / "addresses.txt"
    path.write_text("\n".join(lines) + "\n")
    # Port 9 (discard) on loopback: nothing is listening, and nothing may be asked.
    code, out, err = por(
        "chain", "balances", "--chain", "bitcoin", "--network", "mainnet",
        "--rpc", "http://127.0.0.1:9/", "--snapshot", SNAP, "--addresses", str(path),
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert says in err and str(path) in err and len(err.splitlines()) == 1
