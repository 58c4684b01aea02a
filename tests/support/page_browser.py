"""Headless Chromium (Debian's package) driven by Playwright, for the offline page's tests.

One long-lived Node process (page_driver.mjs) holds the browser and one loaded
page; commands and replies are JSON lines over its stdin/stdout, so a thousand
proofs cost a thousand small messages, not a thousand browser starts.
"""

import base64
import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path(__file__).with_name("page_driver.mjs")


class DriverError(RuntimeError):
    pass


def upload(name: str, data: bytes | str) -> dict[str, str]:
    """A file as the page's file input receives it (bytes kept exact: BOMs, bad UTF-8)."""
    raw = data.encode() if isinstance(data, str) else data
    return {"name": name, "base64": base64.b64encode(raw).decode()}


class PageBrowser:
    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._p = process

    def call(self, op: str, **args: Any) -> Any:
        assert self._p.stdin and self._p.stdout
        self._p.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self._p.stdin.flush()
        line = self._p.stdout.readline()
        if not line:
            raise DriverError(f"the page driver exited (code {self._p.poll()})")
        reply = json.loads(line)
        if "error" in reply:
            raise DriverError(reply["error"])
        return reply["ok"]

    def check(
        self,
        proof: dict[str, str],
        commitment: str | None = None,
        root: dict[str, str] | None = None,
        drop: bool = False,
    ) -> dict[str, Any]:
        """Feed one proof through the page's own inputs; what the page shows."""
        result: dict[str, Any] = self.call(
            "check", proof=proof, commitment=commitment, root=root, drop=drop
        )
        return result

    def batch(self, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = self.call("batch", cases=cases)
        return results


@contextmanager
def page_browser() -> Iterator[PageBrowser]:
    """Start the driver (Chromium from /usr/bin, Playwright from node_modules); end it by its PID."""
    process = subprocess.Popen(
        ["node", str(DRIVER)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout
        ready = process.stdout.readline()
        if not ready:
            raise DriverError(f"the page driver did not start (code {process.wait()})")
        yield PageBrowser(process)
    finally:
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
