"""Write verifier/tree/poseidon_bn254.json from the Go source the vendors' Poseidon reads.

The constants of circomlib's Poseidon over BN254 (hadeshash, optimized form: C, S, M, P
for widths 2 to 13) as the vendors' gnark-crypto forks ship them, in
ecc/bn254/fr/poseidon/constants.go: gatechain/gnark-crypto @05aebc9901cb (tag v0.7.1,
pinned by gateio/proof-of-reserves) and bnb-chain/gnark-crypto @7c643ad11891 (pinned
by huobiapi/Tool-Go-MerkleVerify) hold the same file, sha256 60f19457...92df. The
numbers are copied as the file writes them (hex), with where they came from, so that
the verifier needs neither Go nor node at run time; tests compare them with
circomlibjs's own table.

    python scripts/poseidon_constants.py constants.go verifier/tree/poseidon_bn254.json
"""

import hashlib
import json
import re
import sys
from pathlib import Path

SOURCE = (
    "gatechain/gnark-crypto @05aebc9901cb8bde53e88332ab9175c4fcf26261 (v0.7.1) "
    "ecc/bn254/fr/poseidon/constants.go; the same file is in bnb-chain/gnark-crypto "
    "@7c643ad118914f8c2d13747b8da2d3c69499c7b9"
)


def table(go: str, name: str) -> object:
    """The Go literal `var name = [][]string{...}` as nested lists of hex strings."""
    start = go.index(f"var {name} = ")
    end = go.index("\n}\n", start) + 2
    body = go[go.index("{", start) : end].replace("{", "[").replace("}", "]")
    return json.loads(re.sub(r",(\s*)\]", r"\1]", body))


def main(go_file: str, out: str) -> None:
    raw = Path(go_file).read_bytes()
    go = raw.decode()
    rp = [int(n) for n in re.search(r"var rp = \[\]int\{([0-9, ]+)\}", go)[1].split(",")]  # type: ignore[index]
    doc = {
        "source": SOURCE,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "full_rounds": 8,
        "partial_rounds": rp,
        "C": table(go, "cStr"),
        "S": table(go, "sStr"),
        "M": table(go, "mStr"),
        "P": table(go, "pStr"),
    }
    Path(out).write_text(json.dumps(doc, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
