"""`por attest`: the exchange assembles the attestation it will publish."""

from pathlib import Path
from typing import Annotated

import typer

from verifier.audit.assemble import assemble, parse_block
from verifier.cli.output import out
from verifier.cli.report_out import ForceOption, planned_outputs
from verifier.io.attestation import load_attest_config
from verifier.io.tree import load_root


def command(
    config: Annotated[
        Path,
        typer.Argument(
            help="The attestation (por-attestation-v1, schemas/attestation.schema.json) "
            "without liabilities.tree and snapshot.chains, which come from --root and --block."
        ),
    ],
    root: Annotated[Path, typer.Option(help="The liability tree's root.json (por tree build).")],
    block: Annotated[
        list[str],
        typer.Option(help="CHAIN=HEIGHT:HASH, once per chain, e.g. bitcoin:mainnet=880000:00.."),
    ],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the attestation.")],
    force: ForceOption = False,
) -> None:
    """Assemble an attestation; then run `por self-check` on it before publishing."""
    outputs = planned_outputs([config, root], force, [(out_path, "--out")])
    att = assemble(
        load_attest_config(config),
        str(config),
        load_root(root),
        str(root),
        [parse_block(b) for b in block],
    )
    with outputs:
        text = att.model_dump_json(indent=2, exclude_defaults=False) + "\n"
        outputs.stage(out_path, text.encode())
    out.print(
        f"wrote {out_path}: {len(att.wallets)} wallets, root commitment "
        f"{att.liabilities.tree.root_commitment}; next: por self-check {out_path}"
    )
