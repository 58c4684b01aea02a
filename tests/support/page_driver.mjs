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
const log = { requests: [], console: [], errors: [] };
context.on("request", (r) => log.requests.push(r.url()));
context.on("console", (m) => log.console.push(`${m.type()}: ${m.text()}`));
const page = context.pages()[0] || (await context.newPage());
page.on("pageerror", (e) => log.errors.push(String(e)));

const file = (f) => ({ name: f.name, mimeType: "application/json", buffer: Buffer.from(f.base64, "base64") });

// Resolves with what the page shows once it has rendered the verdict for `name`.
function verdictFor(name) {
  return page.evaluate(
    (name) =>
      new Promise((resolve) => {
        const result = document.getElementById("result");
        const read = () => ({
          verdict: result.dataset.verdict,
          source: result.dataset.source,
          field: result.dataset.field || null,
          problem: result.dataset.problem || null,
          title: document.getElementById("verdict").textContent,
          reason: document.getElementById("reason")?.textContent ?? null,
          warnings: [...result.querySelectorAll(".warning")].map((w) => w.textContent),
          balances: [...result.querySelectorAll("#balances tbody tr")].map((r) => r.innerText.split("\t")),
          totals: [...result.querySelectorAll("#totals tbody tr")].map((r) => r.innerText.split("\t")),
          levels: result.querySelectorAll("#path li").length,
        });
        window.__porVerdict = new Promise((done) => {
          result.addEventListener("por:verdict", function seen() {
            if (result.dataset.source !== name) return;
            result.removeEventListener("por:verdict", seen);
            done(read());
          });
        });
        resolve();
      }),
    name,
  );
}

// One proof through the page: commitment typed (or root.json picked), then the proof picked.
async function check(c) {
  await verdictFor(c.proof.name);
  if (c.root) await page.setInputFiles("#root-file", file(c.root));
  else await page.fill("#commitment", c.commitment ?? "");
  if (c.drop) {
    await page.evaluate(({ name, base64 }) => {
      const data = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
      data.items.add(new File([bytes], name, { type: "application/json" }));
      document.getElementById("proof-zone").dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    }, c.proof);
  } else {
    await page.setInputFiles("#proof-file", file(c.proof));
  }
  return page.evaluate(() => window.__porVerdict);
}

const ops = {
  async open({ url }) {
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.ready === "1");
    return { title: await page.title() };
  },
  async check(c) {
    return check(c);
  },
  async batch({ cases }) {
    const out = [];
    for (const c of cases) out.push(await check(c));
    return out;
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
    // Tab through the page; report which element has focus after each key.
    const seen = [];
    for (const key of keys) {
      await page.keyboard.press(key);
      seen.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
    }
    return { seen };
  },
  async layout() {
    return page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
  },
  async log() {
    return log;
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
