// The zk proof-of-solvency family's customer files (binance-zk, gate-zk, htx-zk), read
// and checked as verifier/tree/formats/zk.py and its three vendor modules do: the same
// detection, the same field checks in the same order with the same words, the leaf
// recomputed with the vendors' Poseidon, the 28-level path, the root compared with the
// file's and the published one, the same failure sentences and weaknesses.
//
// Poseidon is written here as in verifier/tree/poseidon.py (no Poseidon library can
// be inlined into this page: circomlibjs needs a bundler and ffjavascript's workers,
// which the page's policy forbids). Its constants, POSEIDON, are put in front of the
// script by verifier/tree/page/__init__.py for the state widths the family's files
// use, and pinned by the script's hash.

const BN254 = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const ZK_DEPTH = 28;
const ZK_BLOCK = 12;
const U16 = [0n, 1n << 16n];
const U64 = [0n, 1n << 64n];
const I64 = [-(1n << 63n), 1n << 63n];
const ZK_NUMBER = /^-?(0|[1-9][0-9]*)$/;
const ZK_HEX = /^[0-9a-fA-F]+$/;

const poseidonWidths = new Map();

// The constants of one state width as BigInts, matrices by column (new[i] = col[i] . old).
function poseidonWidth(t) {
  if (!poseidonWidths.has(t)) {
    const raw = POSEIDON.widths[String(t)];
    if (!raw) throw new Error(`no Poseidon constants for width ${t}`);
    const big = (row) => row.map((h) => BigInt(`0x${h}`));
    const columns = (m) => m.map((_, i) => m.map((row) => BigInt(`0x${row[i]}`)));
    poseidonWidths.set(t, { partial: raw.partial, c: big(raw.C), s: big(raw.S), m: columns(raw.M), p: columns(raw.P) });
  }
  return poseidonWidths.get(t);
}

const mod = (a) => ((a % BN254) + BN254) % BN254;
const pow5 = (a) => {
  const a2 = (a * a) % BN254;
  return (((a2 * a2) % BN254) * a) % BN254;
};
const mix = (state, matrix) => matrix.map((col) => col.reduce((sum, x, j) => sum + x * state[j], 0n) % BN254);

// circomlib's permutation in its optimized form, as poseidon.py `permutation`.
function poseidonPermutation(input) {
  const t = input.length;
  const w = poseidonWidth(t);
  const c = w.c;
  let state = input.map((a, i) => mod(a + c[i]));
  for (let r = 1; r < 4; r++) state = mix(state.map((a, i) => (pow5(a) + c[r * t + i]) % BN254), w.m);
  state = mix(state.map((a, i) => (pow5(a) + c[4 * t + i]) % BN254), w.p);
  for (let r = 0; r < w.partial; r++) {
    const head = (pow5(state[0]) + c[5 * t + r]) % BN254;
    const s = w.s.slice((2 * t - 1) * r, (2 * t - 1) * (r + 1));
    let first = head * s[0];
    for (let i = 1; i < t; i++) first += state[i] * s[i];
    state = [first % BN254, ...state.slice(1).map((a, i) => (a + head * s[t + i]) % BN254)];
  }
  const base = 5 * t + w.partial;
  for (let r = 0; r < 3; r++) state = mix(state.map((a, i) => (pow5(a) + c[base + r * t + i]) % BN254), w.m);
  return mix(state.map(pow5), w.m);
}

// The vendors' Poseidon(inputs...): blocks of 12 carrying lane 0, the digest lane 1.
function poseidonHash(inputs) {
  let lane0 = 0n;
  let state = [0n];
  for (let start = 0; start < inputs.length; start += ZK_BLOCK) {
    state = poseidonPermutation([lane0, ...inputs.slice(start, start + ZK_BLOCK)]);
    lane0 = state[0];
  }
  return state[1];
}

// The weaknesses every file of the family has (zk.py WEAKNESSES), then each vendor's.
const ZK_WEAKNESSES = [
  "this file shows only that your leaf (account id hash, totals, asset commitment) is " +
    "in the tree with this root: that the tree's totals are the sums of its accounts, that " +
    "each account's equity covers its debt and that no balance is negative are proven by " +
    "the exchange's batch zk proofs (Groth16), which this command does not check: without " +
    "them you trust the exchange's prover",
  "the path's siblings are bare hashes with no sums: the file shows nothing of other " +
    "accounts or of the exchange's totals",
  "your totals are values at the exchange's prices, which the file does not carry: " +
    "that they match your assets is checked only inside the batch zk proofs",
  "the leaf binds an account id hash the exchange made: the file does not show how, so " +
    "you cannot recompute it from your own account",
  "a negative number is hashed as its magnitude (Go's big.Int Bytes()): the vendor's " +
    "tool accepts a file whose sign was flipped (this verifier refuses negatives)",
];

class ZkReader {
  constructor(source) {
    this.source = source;
  }
  fail(field, problem) {
    throw new InputError(this.source, field, problem);
  }
  // zk.py number: a JSON integer in [low, high)
  number(value, field, [low, high]) {
    if (!(value instanceof JsonNumber) || !ZK_NUMBER.test(value.text)) this.fail(field, "missing or not a JSON integer");
    const n = BigInt(value.text);
    if (n < low || n >= high) this.fail(field, `${value.text} is outside ${low} to ${high - 1n}`);
    return n;
  }
  element(n, field) {
    if (n >= BN254) this.fail(field, "not below the BN254 field modulus");
    return n;
  }
  list(value, field, minLength) {
    if (!Array.isArray(value) || value.length < minLength) this.fail(field, `missing or not a list of at least ${minLength}`);
    return value;
  }
  text(value, field) {
    if (typeof value !== "string" || value === "") this.fail(field, "missing or not a non-empty JSON string");
    return value;
  }
  hex(value, field, length) {
    const s = this.text(value, field);
    if (!ZK_HEX.test(s) || s.length !== length) this.fail(field, `not ${length} hex digits`);
    return s;
  }
  // zk.py entries: the asset list, objects with exactly the vendor's keys
  entries(value, field, keys) {
    return this.list(value, field, 0).map((raw, i) => {
      if (!isObject(raw)) this.fail(`${field}.${i}`, "missing or not a JSON object");
      const have = [...raw.keys()];
      const odd = [...have.filter((k) => !keys.includes(k)), ...keys.filter((k) => !raw.has(k))];
      odd.sort(pythonOrder);
      if (odd.length) this.fail(`${field}.${i}.${odd[0]}`, keys.includes(odd[0]) ? "missing" : "not a field of this format");
      return raw;
    });
  }
  // zk.py slots: each asset by its Index, every Index below `count`, listed once
  slots(assets, field, count) {
    const out = new Map();
    assets.forEach((a, i) => {
      const index = this.number(a.get("Index"), `${field}.${i}.Index`, U16);
      if (index >= BigInt(count)) this.fail(`${field}.${i}.Index`, `not below ${count} asset slots`);
      if (out.has(index)) this.fail(`${field}.${i}.Index`, `asset ${index} listed twice`);
      out.set(index, [`${field}.${i}`, a]);
    });
    return out;
  }
  siblings(value, field) {
    const raw = this.list(value, field, 1);
    if (raw.length !== ZK_DEPTH) this.fail(field, `${raw.length} siblings, not the tree's ${ZK_DEPTH}`);
    return raw.map((item, i) => {
      const where = `${field}.${i}`;
      const s = this.text(item, where);
      let bytes = null;
      try {
        bytes = Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
      } catch {
        bytes = null;
      }
      if (bytes === null || bytes.length !== 32 || btoa(String.fromCharCode(...bytes)) !== s)
        this.fail(where, "not base64 of 32 bytes");
      return this.element(BigInt(`0x${toHex(bytes)}`), where);
    });
  }
}

// Python sorts strings by code point; JavaScript's default sort by UTF-16 unit.
function pythonOrder(a, b) {
  const x = [...a].map((ch) => ch.codePointAt(0));
  const y = [...b].map((ch) => ch.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

// zk.py packed: three 64-bit values to one field element, zeros after the last
function zkPacked(values) {
  const v = [...values];
  while (v.length % 3) v.push(0n);
  const out = [];
  for (let i = 0; i < v.length; i += 3) out.push((v[i] << 128n) + (v[i + 1] << 64n) + v[i + 2]);
  return out;
}

const BINANCE_VALUES = ["Equity", "Debt", "Loan", "Margin", "PortfolioMargin"];
const BINANCE_TIERS = [50, 500];

// binance_zk.py padded: PaddingAccountAssets, six values a slot, the tier's slots
function binancePadded(rows) {
  const tier = BINANCE_TIERS.find((t) => rows.length <= t);
  const budget = tier - rows.length;
  let used = 0;
  let following = 0n;
  const out = [];
  for (const [index, values] of rows) {
    for (let skipped = following; skipped < index; skipped++) {
      if (used >= budget) break;
      used++;
      out.push(skipped, 0n, 0n, 0n, 0n, 0n);
    }
    out.push(index, ...values);
    following = index + 1n;
  }
  while (out.length < 6 * tier) {
    out.push(following, 0n, 0n, 0n, 0n, 0n);
    following++;
  }
  return out;
}

const ZK_FORMATS = [
  {
    name: "binance-zk",
    fields: { index: "AccountIndex", account: "AccountIdHash", totals: ["TotalEquity", "TotalDebt", "TotalCollateral"], assets: "Assets", root: "Root", proof: "Proof" },
    detect: () => true,
    weaknesses: [
      ...ZK_WEAKNESSES,
      "Binance's own sample does not reach its Root under Binance's published rule, and the " +
        "Poseidon fork Binance pins is not public here: no vector confirms the rule for Binance " +
        "(Gate's confirms the same hashing)",
    ],
    assets(r, top) {
      const field = this.fields.assets;
      const listed = r.entries(top.get(field), field, ["Index", ...BINANCE_VALUES]);
      if (listed.length > 500) r.fail(field, `${listed.length} assets, more than the largest tier 500`);
      const rows = [];
      listed.forEach((a, i) => {
        const where = `${field}.${i}`;
        const index = r.number(a.get("Index"), `${where}.Index`, U16);
        if (rows.length && index <= rows[rows.length - 1][0]) r.fail(`${where}.Index`, "not above the previous asset's Index");
        rows.push([index, BINANCE_VALUES.map((k) => r.number(a.get(k), `${where}.${k}`, U64))]);
      });
      return [poseidonHash(zkPacked(binancePadded(rows))), []];
    },
  },
  {
    name: "gate-zk",
    fields: { index: "Arrangement", account: "UniqueIdentification", totals: ["TotalAssetEquity", "TotalAssetDebt"], assets: "AssetDetails", root: "TreeRootHash", proof: "MerkleProofEncode" },
    detect: () => true,
    weaknesses: ZK_WEAKNESSES,
    assets(r, top) {
      const field = this.fields.assets;
      const listed = r.entries(top.get(field), field, ["Index", "Equity", "Debt"]);
      const values = new Array(1600).fill(0n);
      for (const [slot, [where, a]] of r.slots(listed, field, 800)) {
        values[2 * Number(slot)] = r.number(a.get("Equity"), `${where}.Equity`, U64);
        values[2 * Number(slot) + 1] = r.number(a.get("Debt"), `${where}.Debt`, U64);
      }
      return [poseidonHash(zkPacked(values)), []];
    },
  },
  {
    name: "htx-zk",
    fields: { index: "AccountIndex", account: "AccountIdHash", totals: ["TotalEquity", "TotalDebt"], assets: "Assets", root: "Root", proof: "Proof" },
    // htx_zk.py detect: Binance's keys but TotalCollateral, assets with a Balance
    detect: (tree) =>
      !tree.has("TotalCollateral") &&
      Array.isArray(tree.get("Assets")) &&
      tree.get("Assets").every((a) => isObject(a) && a.has("Balance")),
    weaknesses: [
      ...ZK_WEAKNESSES,
      "one signed balance per asset: the leaf does not show equity and debt apart",
      "HTX's own sample does not reach its Root under HTX's published rule: no public " +
        "vector confirms the rule for HTX (Gate's confirms the same hashing)",
    ],
    assets(r, top) {
      const field = this.fields.assets;
      const listed = r.entries(top.get(field), field, ["Index", "Balance"]);
      const values = new Array(174).fill(0n);
      const negatives = [];
      for (const [slot, [where, a]] of r.slots(listed, field, 174)) {
        const v = r.number(a.get("Balance"), `${where}.Balance`, I64);
        values[Number(slot)] = v;
        if (v < 0n) negatives.push(`${where}.Balance: ${v}`);
      }
      return [poseidonHash(values.map((v) => (v < 0n ? -v : v))), negatives];
    },
  },
];

const zkRequired = (f) => [f.fields.index, f.fields.account, ...f.fields.totals, f.fields.assets, f.fields.root, f.fields.proof];

// The family's format of a JSON file, as the CLI's detection finds it, or null.
function zkFormat(tree) {
  if (!isObject(tree)) return null;
  const found = ZK_FORMATS.filter((f) => zkRequired(f).every((k) => tree.has(k)) && f.detect(tree));
  return found.length === 1 ? found[0] : null;
}

// zk.py verify on a file of `format`: the verdict as the CLI concludes it.
function verifyZk(format, tree, source, published) {
  const r = new ZkReader(source);
  const f = format.fields;
  const fieldRange = [1n - BN254, BN254];
  const totals = f.totals.map((k) => r.number(tree.get(k), k, fieldRange));
  const [commitment, negatives] = format.assets(r, tree);
  totals.forEach((n, i) => {
    if (n < 0n) negatives.push(`${f.totals[i]}: ${n}`);
  });
  const index = r.number(tree.get(f.index), f.index, [0n, 1n << BigInt(ZK_DEPTH)]);
  const account = r.element(BigInt(`0x${r.hex(tree.get(f.account), f.account, 64)}`), f.account);
  const root = r.hex(tree.get(f.root), f.root, 64).toLowerCase();
  const path = r.siblings(tree.get(f.proof), f.proof);
  let node = poseidonHash([account, ...totals.map((n) => (n < 0n ? -n : n)), commitment]);
  path.forEach((sibling, i) => {
    node = poseidonHash((index >> BigInt(i)) & 1n ? [sibling, node] : [node, sibling]);
  });
  const reached = node.toString(16).padStart(64, "0");
  let failure = null;
  if (reached !== root)
    failure =
      `root (${f.root}): the leaf recomputed from your values and the ${ZK_DEPTH} ` +
      `siblings of ${f.proof} lead to ${reached}, not the file's root ${root}`;
  if (failure === null && published !== null && reached !== published)
    failure = `published root: the file leads to root ${reached}, not the published ${published}`;
  const weaknesses = [...format.weaknesses];
  if (negatives.length) weaknesses.push(`a node on the path has a negative balance: ${negatives[0]}`);
  return {
    format: format.name,
    included: failure === null,
    compared: published !== null,
    failure,
    negatives,
    weaknesses,
    account: account.toString(16).padStart(64, "0"),
    index,
    totals: f.totals.map((k, i) => [k, totals[i]]),
    root: reached,
  };
}
