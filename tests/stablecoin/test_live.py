"""scripts/make_stablecoin_demo.py against two fresh anvil nodes (chain ids 31337 and
31338): `por verify` live gives the demo's verdicts, records bundles that replay
offline to the same verdicts, and a chain whose node does not answer makes the
result inconclusive (exit 2), never a pass."""

from pathlib import Path

from tests.stablecoin.helpers import statuses, verify
from tests.support.anvil import free_port


def test_the_demo_live_and_replayed(tmp_path: Path) -> None:
    from scripts.make_stablecoin_demo import main

    seen: dict[str, int] = {}

    def live(urls: dict[str, str], out: Path) -> None:
        rpc = [arg for chain, url in urls.items() for arg in ("--rpc", f"{chain}={url}")]
        for sub, expected in (("", 0), ("short", 1)):
            att = out / sub / "attestation.json"
            code, report, output = verify(
                att, tmp_path, *rpc, "--evidence-out", str(out / sub / "live.json")
            )
            assert code == expected, output
            seen[sub or "pass"] = code
        # the second chain's node named at a port where nothing listens
        down = [*rpc[:2], "--rpc", f"ethereum:31338=http://127.0.0.1:{free_port()}"]
        code, report, output = verify(
            out / "attestation.json", tmp_path, *down, "--rpc-timeout", "2"
        )
        assert code == 2, output
        s = statuses(report)
        assert s["supply.ethereum:31338"] == "inconclusive"
        assert s["supply.ethereum:31337"] == "pass"
        assert s["reserves.coverage"] == "inconclusive" and report["verdict"] == "inconclusive"

    main(tmp_path / "demo", live)
    assert seen == {"pass": 0, "short": 1}
    for sub, expected in (("", 0), ("short", 1)):
        folder = tmp_path / "demo" / sub
        for bundle in ("evidence.json", "live.json"):
            code, _, output = verify(
                folder / "attestation.json", tmp_path, "--offline", str(folder / bundle)
            )
            assert code == expected, (sub, bundle, output)
