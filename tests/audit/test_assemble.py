"""`por attest`: the exchange's configuration, root.json and blocks make the attestation."""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.audit.test_run import DEMO
from tests.tree.helpers import run


def blocks() -> list[str]:
    att = json.loads((DEMO / "attestation.json").read_text())
    return [
        f"--block={c['chain']}={c['height']}:{c['block_hash']}" for c in att["snapshot"]["chains"]
    ]


def attest(tmp_path: Path, config: dict[str, Any], *extra: str) -> Any:
    (tmp_path / "config.json").write_text(json.dumps(config))
    return run(
        "attest",
        str(tmp_path / "config.json"),
        "--root",
        str(DEMO / "tree" / "root.json"),
        "--out",
        str(tmp_path / "attestation.json"),
        *extra,
    )


def config() -> dict[str, Any]:
    return dict(json.loads((DEMO / "attest-config.json").read_text()))


def test_the_demo_configuration_gives_the_demo_attestation(tmp_path: Path) -> None:
    r = attest(tmp_path, config(), *blocks())
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "attestation.json").read_text()) == json.loads(
        (DEMO / "attestation.json").read_text()
    )


@pytest.mark.parametrize(
    ("change", "block_args", "expect"),
    [
        # The domain names files and fields, never flags: the root file by its path.
        (lambda c: c["snapshot"].update(id="2026-04-01"), None, "root.json: snapshot_id"),
        (
            lambda c: c["liabilities"].update(tree={}),
            None,
            "liabilities.tree: comes from the tree's root.json",
        ),
        (
            lambda c: c["snapshot"].update(chains=[]),
            None,
            "snapshot.chains: comes from the snapshot blocks",
        ),
        (lambda c: c["wallets"][0].update(role="lukewarm"), None, "wallets[0].role"),
        (
            lambda c: None,
            ["--block=bitcoin:regtest=12"],
            "--block: 'bitcoin:regtest=12' is not CHAIN=HEIGHT:HASH",
        ),
        (
            lambda c: None,
            ["--block=bitcoin:regtest=1:" + "00" * 32],
            "no snapshot block for 'ethereum:31337'",
        ),
    ],
)
def test_bad_inputs_are_one_line_and_exit_2(
    tmp_path: Path, change: Any, block_args: list[str] | None, expect: str
) -> None:
    cfg = config()
    change(cfg)
    r = attest(tmp_path, cfg, *(block_args if block_args is not None else blocks()))
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and expect in lines[0], r.stderr
    assert not (tmp_path / "attestation.json").exists()
