// Drives the offline verification page in Debian's headless Chromium through
// Playwright, for tests/page/. One process, one browser, one page load; the test
// sends one JSON command per line on stdin and reads one JSON reply per line on
// stdout. Every proof goes in through the page's own file input (or a synthetic
// drop), every verdict is read back from the page's DOM.
//
// It records every request the browser makes, every console message and every
// uncaught page error, for the tests to assert that there are none.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const profile = mkdtempSync(join(tmpdir(), "por-page-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1000, height: 900 },
});
function watch(page) {
  const log = { requests: [], failed: [], console: [], errors: [] };
  page.on("request", (r) => log.requests.push(r.url()));
  page.on("requestfailed", (r) => log.failed.push([r.url(), r.failure()?.errorText ?? ""]));
  page.on("console", (m) => log.console.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log.errors.push(String(e)));
  return log;
}
const page = context.pages()[0] || (await context.newPage());
const log = watch(page);

const file = (f) => ({ name: f.name, mimeType: "application/json", buffer: Buffer.from(f.base64, "base64") });

// Installed in the page after it loads: waits for the page's verdict on a named proof
// and reads what the page shows. (Driver code, run through DevTools: the page's own
// policy allows no script but its own.)
function harness() {
  const result = document.getElementById("result");
  const read = () => ({
    verdict: result.dataset.verdict,
    source: result.dataset.source,
    input: result.dataset.input || null,
    field: result.dataset.field || null,
    problem: result.dataset.problem || null,
    title: document.getElementById("verdict").textContent,
    reason: document.getElementById("reason")?.textContent ?? null,
    warnings: [...result.querySelectorAll(".warning")].map((w) => w.textContent),
    balances: [...result.querySelectorAll("#balances tbody tr")].map((r) => [...r.cells].map((c) => c.textContent)),
    totals: [...result.querySelectorAll("#totals tbody tr")].map((r) => [...r.cells].map((c) => c.textContent)),
    levels: result.querySelectorAll("#path li").length,
  });
  const expect = (name) =>
    new Promise((done) => {
      result.addEventListener("por:verdict", function seen() {
        if (result.dataset.source !== name) return;
        result.removeEventListener("por:verdict", seen);
        done(read());
      });
    });
  const files = (...uploads) => {
    const data = new DataTransfer();
    for (const { name, base64 } of uploads) {
      const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
      data.items.add(new File([bytes], name, { type: "application/json" }));
    }
    return data;
  };
  const set = (id, value) => {
    const input = document.getElementById(id);
    if (typeof value === "string") input.value = value;
    else input.files = value.files;
    input.dispatchEvent(new Event(typeof value === "string" ? "input" : "change", { bubbles: true }));
  };
  // The same steps as a person, on the same elements and events, without Playwright's
  // per-action waits (about 40 ms each on this machine): for the thousand-proof batch.
  const feed = async (c) => {
    const verdict = expect(c.proof.name);
    if (c.root) set("root-file", files(c.root));
    else set("commitment", c.commitment ?? "");
    set("proof-file", files(c.proof));
    return verdict;
  };
  const drop = (upload) =>
    document
      .getElementById("proof-zone")
      .dispatchEvent(new DragEvent("drop", { dataTransfer: files(upload), bubbles: true, cancelable: true }));
  window.__por = { expect, feed, drop };
}

// One proof through the page as a person gives it: commitment typed (or root.json
// picked) with Playwright's fill / setInputFiles, then the proof picked or dropped.
async function check(c) {
  await page.evaluate((name) => {
    window.__porVerdict = window.__por.expect(name);
  }, c.proof.name);
  if (c.root) await page.setInputFiles("#root-file", file(c.root));
  else await page.fill("#commitment", c.commitment ?? "");
  if (c.drop) await page.evaluate((upload) => window.__por.drop(upload), c.proof);
  else await page.setInputFiles("#proof-file", file(c.proof));
  return page.evaluate(() => window.__porVerdict);
}

const ops = {
  async open({ url }) {
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === "1");
    await page.evaluate(harness);
    return { title: await page.title() };
  },
  // Any other local page (an HTML report: no script, so no ready mark to wait for).
  async load({ url }) {
    await page.goto(url);
    return { title: await page.title() };
  },
  async check(c) {
    return check(c);
  },
  async batch({ cases }) {
    return page.evaluate(async (cases) => {
      const out = [];
      for (const c of cases) out.push(await window.__por.feed(c));
      return out;
    }, cases);
  },
  async screenshot({ path, width, height }) {
    await page.setViewportSize({ width, height });
    await page.evaluate(() => {
      const path = document.getElementById("path");
      if (path) path.open = true;
    });
    await page.screenshot({ path, fullPage: true });
    return {};
  },
  async keyboard({ keys }) {
    // From the top of the page, press keys; report which element has focus after each.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.mouse.click(2, 2); // moves the focus navigation start to the top of the page
    const seen = [];
    for (const key of keys) {
      await page.keyboard.press(key);
      seen.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
    }
    return { seen };
  },
  async press({ key }) {
    await page.keyboard.press(key);
    return {};
  },
  async evaluate({ expression }) {
    return page.evaluate(expression);
  },
  async viewport({ width, height }) {
    await page.setViewportSize({ width, height });
    return {};
  },
  async log() {
    return log;
  },
  // In a second page: try to reach `target` (an http URL the test listens on) the
  // ways a page could, to show that the page's policy blocks them all.
  async probe({ url, target }) {
    const probe = await context.newPage();
    const probeLog = watch(probe);
    await probe.goto(url);
    const outcome = await probe.evaluate(async (target) => {
      const tries = {};
      try {
        await fetch(target);
        tries.fetch = "sent";
      } catch (e) {
        tries.fetch = `refused: ${e.message}`;
      }
      tries.image = await new Promise((resolve) => {
        const img = new Image();
        img.onload = () => resolve("loaded");
        img.onerror = () => resolve("refused");
        img.src = `${target}/image.png`;
      });
      tries.beacon = navigator.sendBeacon(`${target}/beacon`, "x") ? "queued" : "refused";
      return tries;
    }, target);
    await probe.close();
    return { outcome, log: probeLog };
  },
};

const lines = createInterface({ input: process.stdin });
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
for await (const line of lines) {
  const { op, ...args } = JSON.parse(line);
  let reply;
  try {
    reply = { ok: await ops[op](args) };
  } catch (e) {
    reply = { error: String(e && e.stack ? e.stack : e) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
await context.close();
rmSync(profile, { recursive: true, force: true });
