// The page: read the customer's files, run the checks, show the verdict.
// Proof contents reach the DOM only as text (textContent), never as markup.
// Every sentence goes through _() (MESSAGES, the page's language, is put in front of
// this script by verifier/tree/page/__init__.py); the failure sentences of the checks
// and the input problems stay the CLI's words, in English, as `por inclusion verify`
// prints them.

const $ = (id) => document.getElementById(id);
const state = { proof: null, root: null, run: 0 };

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// `message` in the page's language (the English text itself when MESSAGES lacks it).
function _(message) {
  return Object.hasOwn(MESSAGES, message) ? MESSAGES[message] : message;
}

// A message with its {fields} filled in from `values`, as text.
function fill(message, values) {
  return message.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
}

// A message with {fields} that stand for DOM nodes: the pieces to append, in order.
function place(message, nodes) {
  return message.split(/(\{\w+\})/).map((piece) => nodes[piece.slice(1, -1)] ?? piece);
}

// A figure with its integer part grouped by thousands ("1234567.5" -> "1,234,567.5"),
// every digit kept.
function grouped(text) {
  const [whole, frac] = text.split(".");
  const g = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? g : `${g}.${frac}`;
}

async function readFile(file) {
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

// What the CLI decides, in its order: a bad root.json, a pasted commitment that is
// not hex, a file that is not UTF-8 (or JSON Python reads), a commitment of the wrong
// length, then a proof of the wrong shape are malformed input; otherwise steps 2-6.
async function check() {
  if (state.root && state.root.error) return { kind: "malformed", input: "root", error: state.root.error };
  // The same order as the CLI: the published value (an option) before the file.
  let input = "commitment";
  let proof;
  let published;
  let zk = null;
  try {
    published = state.root ? state.root.commitment : publishedCommitment($("commitment").value);
    input = "proof";
    const text = loadProofText(state.proof.bytes, state.proof.name);
    zk = zkFile(text, state.proof.name);
    // a vendor's file takes a published root of any length, as the CLI's vendor formats do
    if (zk) return zkOutcome(verifyZk(zk.format, zk.tree, state.proof.name, published), published);
    input = "commitment";
    commitmentLength(published);
    input = "proof";
    proof = parseProof(text, state.proof.name);
  } catch (e) {
    if (e instanceof InputError) return { kind: "malformed", input, error: e, format: zk && zk.format.name };
    throw e;
  }
  const verdict = await verifyProof(proof, published);
  const kind = !verdict.included ? "not-included" : verdict.compared ? "included" : "inconclusive";
  return { kind, proof, verdict, published };
}

// The file's JSON and its format when it is a customer file of the zk family
// (detected as the CLI detects it), else null: the file is then a por-mst-v1 proof.
function zkFile(text, source) {
  const first = text.replace(PYTHON_SPACE, "")[0];
  if (first !== "{") return null;
  const tree = readJson(text, source, ["json"]);
  const format = zkFormat(tree);
  return format ? { format, tree } : null;
}

// A zk verdict as the CLI classes it: a negative balance fails a file that checks.
function zkOutcome(verdict, published) {
  let kind = verdict.included ? (verdict.compared ? "included" : "inconclusive") : "not-included";
  if (verdict.included && verdict.negatives.length) {
    const n = verdict.negatives.length;
    verdict.failure = `negative balance at ${verdict.negatives[0]}${n > 1 ? ` (and ${n - 1} more)` : ""}`;
    kind = "not-included";
  }
  return { kind, zk: verdict, published };
}

async function update() {
  const run = ++state.run;
  if (!state.proof) {
    render({ kind: "waiting" });
    return;
  }
  let outcome;
  try {
    if (!globalThis.crypto || !crypto.subtle) {
      outcome = { kind: "unavailable" };
    } else {
      outcome = await check();
    }
  } catch (e) {
    outcome = { kind: "unexpected", message: String(e && e.message ? e.message : e) };
  }
  if (run === state.run) render(outcome);
}

const TITLES = {
  included: _("Included: your balance is in the exchange's published liabilities."),
  inconclusive: _("Inconclusive: the proof adds up, but it was not compared with a published commitment."),
  "not-included": _("Not included: this proof does not check out."),
  malformed: _("This file cannot be checked."),
  unavailable: _("This browser cannot run the check here."),
  unexpected: _("The check could not finish."),
};

function render(outcome) {
  const result = $("result");
  result.replaceChildren();
  result.hidden = outcome.kind === "waiting";
  const verdict = outcome.kind;
  result.dataset.verdict = verdict;
  result.dataset.source = state.proof ? state.proof.name : "";
  result.dataset.input = outcome.input || "";
  result.dataset.field = "";
  result.dataset.problem = "";
  result.className = `result ${verdict}`;
  if (outcome.kind === "waiting") return;
  result.append(el("h2", { id: "verdict", tabindex: "-1" }, TITLES[verdict]));
  if (outcome.kind === "malformed") {
    const e = outcome.error;
    result.dataset.field = e.field || "";
    result.dataset.problem = e.problem;
    result.append(el("p", { id: "reason" }, malformedSentence(outcome.input, e, outcome.format)));
  } else if (outcome.kind === "unavailable") {
    result.append(
      el("p", { id: "reason" }, _("Web Crypto is missing: open this page from a file on your device or over https.")),
    );
  } else if (outcome.kind === "unexpected") {
    result.append(el("p", { id: "reason" }, fill(_("Something unexpected went wrong: {message}."), outcome)));
  } else if (outcome.zk) {
    renderZkVerdict(result, outcome);
  } else {
    renderVerdict(result, outcome);
  }
  result.dispatchEvent(new CustomEvent("por:verdict", { bubbles: true }));
}

function malformedSentence(input, e, format) {
  if (input === "commitment")
    return _("The published root commitment must be 64 hexadecimal characters (32 bytes); what was pasted is not.");
  const proofKind = format ? fill(_("{format} customer file"), { format }) : _("por-mst-v1 proof");
  const what = input === "root" ? _("published root file") : proofKind;
  const where = e.field ? fill(_(", field {field}"), e) : "";
  return fill(_("{source} is not a valid {what}{where}: {problem}."), { ...e, what, where });
}

// The failure, or why the check is unfinished, or that it passed: both kinds of file.
function renderOutcome(result, verdict, published) {
  if (verdict.failure) {
    result.append(
      el("p", {}, _("This proof does not show your balance in the published liabilities. Keep the file and ask the exchange why. The first check that failed:")),
      el("p", { id: "reason" }, verdict.failure),
    );
  }
  if (verdict.included && !verdict.failure && !published) {
    result.append(
      el("p", { id: "reason" }, NOT_COMPARED),
      el("p", {}, _("Every step of the check passed. Paste the root commitment the exchange published (or choose its root.json) to finish the check.")),
    );
  }
  if (verdict.included && !verdict.failure && published) {
    result.append(el("p", {}, _("Every step of the check passed, and the root matches the commitment you gave.")));
  }
}

// A zk customer file: the account and totals it states, the root, and what the file
// cannot show (the CLI's warnings, in its words).
function renderZkVerdict(result, { zk, published }) {
  renderOutcome(result, zk, published);
  const rows = zk.totals.map(([name, value]) =>
    el("tr", {}, el("th", { scope: "row" }, name), el("td", {}, grouped(value.toString()))),
  );
  result.append(
    el("h3", {}, _("Your account")),
    el(
      "p",
      {},
      ...place(_("Account id hash {account} at leaf {index} ({format})"), {
        account: el("code", { class: "hash" }, zk.account),
        index: String(zk.index),
        format: zk.format,
      }),
    ),
    el(
      "table",
      { id: "balances", class: "amounts" },
      el("caption", {}, _("Your totals, as the file states them")),
      el("tbody", {}, ...rows),
    ),
    el("h3", {}, _("Account tree root")),
    el("p", {}, _("Reached from your leaf:"), " ", el("code", { class: "hash" }, zk.root)),
  );
  if (published) result.append(el("p", {}, _("Published:"), " ", el("code", { class: "hash" }, published)));
  for (const weakness of zk.weaknesses) {
    result.append(el("p", { class: "warning" }, fill(_("Warning: {warning}."), { warning: weakness })));
  }
}

function renderVerdict(result, { proof, verdict, published }) {
  renderOutcome(result, verdict, published);
  const assets = proof.assets;
  result.append(
    el("h3", {}, _("Your account")),
    el(
      "p",
      {},
      ...place(_("Account {account} at snapshot {snapshot}"), {
        account: el("code", {}, proof.account_id),
        snapshot: el("code", {}, proof.snapshot_id),
      }),
    ),
    amountTable("balances", _("Your balances"), assets, proof.balances.map(BigInt)),
    el("h3", {}, _("The tree's totals")),
    el("p", {}, _("The exchange's total customer liabilities per asset, as this proof's root states them:")),
    amountTable("totals", _("Total liabilities"), assets, proof.root.sums.map(BigInt)),
    el("h3", {}, _("Root commitment")),
    el("p", {}, _("This proof's:"), " ", el("code", { class: "hash" }, proof.root_commitment)),
  );
  if (published) result.append(el("p", {}, _("Published:"), " ", el("code", { class: "hash" }, published)));
  result.append(pathList(proof, verdict.trace));
}

function amountTable(id, caption, assets, values) {
  const body = assets.map((a, j) =>
    el("tr", {}, el("th", { scope: "row" }, a.symbol), el("td", {}, grouped(formatUnits(values[j], a.decimals)))),
  );
  return el(
    "table",
    { id, class: "amounts" },
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, _("Asset")), el("th", { scope: "col" }, _("Amount")))),
    el("tbody", {}, ...body),
  );
}

function sumsText(assets, sums) {
  return assets.map((a, j) => `${a.symbol} ${grouped(formatUnits(BigInt(sums[j]), a.decimals))}`).join("; ");
}

// Numbered as the spec and the failure sentences number them: siblings[l] is the
// sibling at level l; with the node on the path at level l it makes the level l+1 node.
function pathList(proof, trace) {
  const assets = proof.assets;
  const line = (label, ...content) => el("div", {}, `${label}: `, ...content);
  const hash = (hex) => el("code", { class: "hash" }, hex);
  const items = [
    el(
      "li",
      {},
      el("strong", {}, _("Your leaf, level 0")),
      line(_("Holds"), sumsText(assets, proof.balances)),
      trace.hashes[0] ? line(_("Hash"), hash(trace.hashes[0])) : "",
    ),
  ];
  proof.siblings.forEach((sibling, level) => {
    const side = (proof.index >> BigInt(level)) & 1n ? _("left") : _("right");
    const computed = trace.hashes[level + 1];
    items.push(
      el(
        "li",
        {},
        el("strong", {}, fill(_("Level {level} sibling, on the {side}"), { level, side })),
        line(_("Holds"), sumsText(assets, sibling.sums)),
        line(_("Hash"), hash(sibling.hash)),
        trace.sums
          ? line(
              fill(_("Together, your node at level {level} holds"), { level: level + 1 }),
              sumsText(assets, trace.sums[level + 1]),
            )
          : "",
        computed ? line(_("Its hash"), hash(computed)) : "",
      ),
    );
  });
  return el(
    "details",
    { id: "path" },
    el("summary", {}, fill(_("The path from your leaf to the root, level by level (height {height})"), proof)),
    el("ol", { class: "path" }, ...items),
  );
}

async function pickProof(file) {
  state.run++; // a verdict still being computed for the previous file must not show up now
  state.proof = await readFile(file);
  $("proof-name").textContent = fill(_("Proof file: {name}"), file);
  await update();
  $("result").scrollIntoView({ block: "nearest" });
}

async function pickRoot(file) {
  state.run++;
  const { name, bytes } = await readFile(file);
  try {
    const root = parseRoot(bytes, name);
    state.root = { commitment: root.root_commitment };
    $("commitment").value = root.root_commitment;
    $("root-name").textContent = fill(_("Commitment read from {name}"), { name });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    state.root = { error: e };
    $("root-name").textContent = fill(_("{name} could not be read"), { name });
  }
  await update();
}

function dropTarget(zone, pick) {
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    event.stopPropagation();
    zone.classList.remove("dragging");
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) pick(file);
  });
}

function start() {
  $("proof-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (file) pickProof(file);
  });
  $("root-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (file) pickRoot(file);
  });
  $("commitment").addEventListener("input", () => {
    // typing a commitment replaces one read from root.json
    state.root = null;
    $("root-file").value = "";
    $("root-name").textContent = "";
    update();
  });
  dropTarget($("proof-zone"), pickProof);
  dropTarget($("root-zone"), pickRoot);
  // a file dropped beside the zones would make the browser open it instead of the page
  for (const type of ["dragover", "drop"]) document.addEventListener(type, (event) => event.preventDefault());
  document.documentElement.dataset.ready = "1";
}

start();
