// Steps 2 to 6 of the spec's "Verifying one proof", in the Python verifier's order
// (verifier/tree/verify.py) and with its failure sentences word for word, so that
// the page and `por inclusion verify` always give the same verdict for the same reason.

const MAX_VALUE = 1n << 128n;
const LEAF = 0x00;
const NODE = 0x01;
const ROOT = 0x03;
// verifier/tree/verify.py NOT_COMPARED: the CLI's inconclusive verdict, word for word.
const NOT_COMPARED =
  "the root was not compared with a published value: " +
  "a proof checked only against itself proves nothing";

async function sha256(...parts) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", concat(parts)));
}

function concat(parts) {
  const bytes = parts.map((p) => (typeof p === "number" ? Uint8Array.of(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function fromHex(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// enc(v_1..v_K): each value 16 bytes big-endian (every value here is < 2^128).
function enc(values) {
  return fromHex(values.map((v) => v.toString(16).padStart(32, "0")).join(""));
}

function uint(value, width) {
  return fromHex(value.toString(16).padStart(2 * width, "0"));
}

function rootCommitment(snapshotId, height, assets, rootHash, rootSums) {
  const sid = utf8.encode(snapshotId);
  const meta = [uint(height, 1), uint(assets.length, 2)];
  for (const a of assets) {
    const raw = utf8.encode(a.symbol);
    meta.push(uint(raw.length, 1), raw, uint(a.decimals, 1));
  }
  return sha256(ROOT, uint(sid.length, 2), sid, ...meta, rootHash, enc(rootSums));
}

// Base units as decimal text with the asset's decimals applied, trailing zeros dropped
// (verifier/amounts.py format_units).
function formatUnits(units, decimals) {
  const scale = 10n ** BigInt(decimals);
  const whole = units / scale;
  const frac = units % scale;
  if (decimals === 0 || frac === 0n) return whole.toString();
  return `${whole}.${frac.toString().padStart(decimals, "0").replace(/0+$/, "")}`;
}

// The first failed check of steps 2-5, or null. `trace` receives what was computed
// along the way (leaf and node hashes, sums) for the page to show level by level.
async function firstFailure(p, trace) {
  const symbols = p.assets.map((a) => a.symbol);
  const k = symbols.length;
  const height = p.height;
  const balances = p.balances.map(BigInt);
  const sibSums = p.siblings.map((s) => s.sums.map(BigInt));
  for (let j = 0; j < k; j++) {
    if (balances[j] >= MAX_VALUE) return `step 2 (leaf): balance of ${symbols[j]} is 2^128 or more`;
  }
  for (let level = 0; level < height; level++) {
    for (let j = 0; j < k; j++) {
      if (sibSums[level][j] >= MAX_VALUE)
        return `step 3 (path), level ${level}: sibling sum of ${symbols[j]} is 2^128 or more`;
    }
  }
  // running[l]: the sums of the node at level l on the path (level 0: the leaf)
  const running = [balances];
  for (let level = 0; level < height; level++) {
    running.push(running[level].map((v, j) => v + sibSums[level][j]));
  }
  trace.sums = running;
  for (let j = 0; j < k; j++) {
    if (running[height][j] >= MAX_VALUE) {
      const level = running.findIndex((sums) => sums[j] >= MAX_VALUE);
      return `step 3 (path), level ${level}: sum of ${symbols[j]} is 2^128 or more`;
    }
  }
  // The leaf is always recomputed from its preimage: a leaf hash is never trusted.
  let cur = await sha256(LEAF, fromHex(p.nonce), await sha256(utf8.encode(p.account_id)), enc(balances));
  trace.hashes = [toHex(cur)];
  for (let level = 0; level < height; level++) {
    const sib = concat([fromHex(p.siblings[level].hash), enc(sibSums[level])]);
    const mine = concat([cur, enc(running[level])]);
    const right = (p.index >> BigInt(level)) & 1n;
    cur = await sha256(NODE, ...(right ? [sib, mine] : [mine, sib]));
    trace.hashes.push(toHex(cur));
  }
  const top = running[height];
  if (toHex(cur) !== p.root.hash)
    return `step 4 (root): the path leads to root hash ${toHex(cur)}, not the proof's root.hash ${p.root.hash}`;
  for (let j = 0; j < k; j++) {
    if (top[j].toString() !== p.root.sums[j])
      return `step 4 (root): the path sums ${symbols[j]} to ${top[j]}, not the proof's root sum ${p.root.sums[j]}`;
  }
  const commitment = toHex(await rootCommitment(p.snapshot_id, height, p.assets, cur, top));
  trace.commitment = commitment;
  if (commitment !== p.root_commitment)
    return (
      "step 5 (commitment): snapshot_id, height, assets and root commit to " +
      `${commitment}, not the proof's root_commitment ${p.root_commitment}`
    );
  return null;
}

// Steps 2-6 on a proof whose shape parseProof checked; `published` is the
// commitment the exchange published (lowercase hex) or null when none was given:
// then a proof that checks is inconclusive (NOT_COMPARED), never included.
async function verifyProof(p, published) {
  const trace = { sums: null, hashes: [], commitment: null };
  let failure = await firstFailure(p, trace);
  if (failure === null && published !== null && published !== p.root_commitment) {
    failure =
      "step 6 (published commitment): the proof's root_commitment " +
      `${p.root_commitment} is not the published ${published}`;
  }
  return {
    included: failure === null,
    compared: published !== null,
    failure,
    trace,
  };
}
