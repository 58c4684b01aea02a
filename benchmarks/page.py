"""How fast the offline page verifies a proof, against this browser's own limit.

The page awaits one WebCrypto SHA-256 call after another (height + 3 per proof:
account id, leaf, one per level, commitment), so its limit is the browser's
sequential digest rate on messages of a node's size, measured in the same page in
the same run. The Python verifier on the same proofs is printed beside it.

    .venv/bin/python benchmarks/page.py                # 300 proofs of height 32, K=3
    .venv/bin/python benchmarks/page.py --height 64 --proofs 100
"""

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.page.cases import synthetic  # noqa: E402
from tests.support.page_browser import page_browser  # noqa: E402
from verifier.models.proof import parse_proof  # noqa: E402
from verifier.tree.page import render  # noqa: E402
from verifier.tree.verify import verify_proof  # noqa: E402

IN_PAGE = """async ([texts, published, digests]) => {
  const utf8 = new TextEncoder();
  const bytes = texts.map((t) => utf8.encode(t));
  let start = performance.now();
  let included = 0;
  for (const [i, b] of bytes.entries()) {
    const name = `p${i}.json`;
    const verdict = await verifyProof(parseProof(loadProofText(b, name), name), published[i]);
    if (verdict.included) included++;
  }
  const verify = (performance.now() - start) / 1000;
  const msg = new Uint8Array(16 * 3 * 2 + 65);
  start = performance.now();
  for (let i = 0; i < digests; i++) await crypto.subtle.digest("SHA-256", msg);
  return { verify, included, digestRate: digests / ((performance.now() - start) / 1000) };
}"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--height", type=int, default=32)
    ap.add_argument("--proofs", type=int, default=300)
    args = ap.parse_args()
    rng = random.Random(1)
    assets = [("BTC", 8), ("ETH", 18), ("USDT", 6)]
    sources = [
        synthetic(rng, args.height, assets, f"user-{i}", "bench") for i in range(args.proofs)
    ]
    texts = [json.dumps(s.proof) for s in sources]
    published = [s.commitment for s in sources]

    start = time.perf_counter()
    for text, commitment in zip(texts, published, strict=True):
        assert verify_proof(parse_proof(text, "p.json"), commitment).included
    python = (time.perf_counter() - start) / args.proofs

    with tempfile.TemporaryDirectory() as d, page_browser() as browser:
        page = Path(d) / "verify.html"
        page.write_text(render())
        browser.call("open", url=page.as_uri())
        m = browser.call(
            "evaluate", expression=f"({IN_PAGE})({json.dumps([texts, published, 20000])})"
        )
    assert m["included"] == args.proofs
    per_proof = m["verify"] / args.proofs
    limit = (args.height + 3) / m["digestRate"]
    print(f"height {args.height}, {len(assets)} assets, {args.proofs} proofs")
    print(f"page (Chromium):  {per_proof * 1000:7.2f} ms per proof")
    print(
        f"WebCrypto limit:  {limit * 1000:7.2f} ms per proof ({m['digestRate']:,.0f} sequential digests/s)"
    )
    print(f"python verifier:  {python * 1000:7.2f} ms per proof")
    print(f"page / limit = {per_proof / limit:.2f}x; page / python = {per_proof / python:.1f}x")


if __name__ == "__main__":
    main()
