// The shapes of a por-mst-v1 proof and of a published root.json, checked field by
// field in the same order as the Python verifier's pydantic schemas
// (verifier/tree/proof.py, verifier/tree/root.py), so that the first problem named
// here is the first problem named there, with the same words.

class InputError extends Error {
  constructor(source, field, problem) {
    super(`${field ? `${source}: ${field}` : source}: ${problem}`);
    this.source = source;
    this.field = field;
    this.problem = problem;
  }
}

class SchemaError extends Error {
  constructor(loc, problem) {
    super(problem);
    this.loc = loc;
    this.problem = problem;
  }
}

const CANONICAL_INT = /^(0|[1-9][0-9]{0,77})$/;
const HEX32 = /^[0-9a-f]{64}$/;
const NOT_CANONICAL =
  "not a canonical integer (ASCII digits in a JSON string, no sign, exponent or leading zero)";
const utf8 = new TextEncoder();
const isObject = (v) => v instanceof Map;

// Each check takes (value, loc) and returns the value converted for use
// (integers as BigInt) or throws SchemaError at the first problem.
const T = {
  literal: (want) => (v, loc) => {
    if (v !== want) throw new SchemaError(loc, `Input should be '${want}'`);
    return v;
  },
  str:
    ({ min, max, bytes } = {}) =>
    (v, loc) => {
      if (typeof v !== "string") throw new SchemaError(loc, "Input should be a valid string");
      const chars = [...v].length;
      if (min !== undefined && chars < min)
        throw new SchemaError(loc, `String should have at least ${min} character${min === 1 ? "" : "s"}`);
      if (max !== undefined && chars > max)
        throw new SchemaError(loc, `String should have at most ${max} character${max === 1 ? "" : "s"}`);
      if (bytes && utf8.encode(v).length > bytes.max) throw new SchemaError(loc, bytes.problem);
      return v;
    },
  pattern: (re, problem) => (v, loc) => {
    if (typeof v !== "string") throw new SchemaError(loc, "Input should be a valid string");
    if (!re.test(v)) throw new SchemaError(loc, problem);
    return v;
  },
  int:
    ({ ge, le } = {}) =>
    (v, loc) => {
      if (!(v instanceof JsonNumber) || !/^-?(0|[1-9][0-9]*)$/.test(v.text))
        throw new SchemaError(loc, "Input should be a valid integer");
      const n = BigInt(v.text);
      if (ge !== undefined && n < BigInt(ge))
        throw new SchemaError(loc, `Input should be greater than or equal to ${ge}`);
      if (le !== undefined && n > BigInt(le))
        throw new SchemaError(loc, `Input should be less than or equal to ${le}`);
      return n;
    },
  list:
    (item, { min, max } = {}) =>
    (v, loc) => {
      if (!Array.isArray(v)) throw new SchemaError(loc, "Input should be a valid array");
      const out = v.map((x, i) => item(x, [...loc, i]));
      if (min !== undefined && out.length < min)
        throw new SchemaError(
          loc,
          `List should have at least ${min} item${min === 1 ? "" : "s"} after validation, not ${out.length}`,
        );
      if (max !== undefined && out.length > max)
        throw new SchemaError(
          loc,
          `List should have at most ${max} item${max === 1 ? "" : "s"} after validation, not ${out.length}`,
        );
      return out;
    },
  // A strict object: every field in order (missing ones are required unless they
  // have a default), then any key the schema does not know, in file order.
  object: (fields) => (v, loc) => {
    if (!isObject(v)) throw new SchemaError(loc, "Input should be an object");
    const out = {};
    for (const [name, check, fallback] of fields) {
      if (!v.has(name)) {
        if (fallback === undefined) throw new SchemaError([...loc, name], "Field required");
        out[name] = fallback;
        continue;
      }
      out[name] = check(v.get(name), [...loc, name]);
    }
    const known = new Set(fields.map((f) => f[0]));
    for (const key of v.keys()) {
      if (!known.has(key)) throw new SchemaError([...loc, key], "Extra inputs are not permitted");
    }
    return out;
  },
};

const IntStr = T.pattern(CANONICAL_INT, NOT_CANONICAL);
const Hex32 = T.pattern(HEX32, "not 32 bytes of lowercase hex");
const NodeSchema = T.object([
  ["hash", Hex32],
  ["sums", T.list(IntStr)],
]);
const Format = T.literal("por-mst-v1");

const ProofSchema = T.object([
  ["format", Format],
  ["snapshot_id", T.str()],
  ["height", T.int({ ge: 1, le: 64 })],
  [
    "assets",
    T.list(
      T.object([
        ["symbol", T.str({ min: 1, max: 32 })],
        ["decimals", T.int({ ge: 0, le: 36 })],
      ]),
      { min: 1, max: 65535 },
    ),
  ],
  ["account_id", T.str()],
  ["nonce", Hex32],
  ["balances", T.list(IntStr)],
  ["index", T.int({ ge: 0 })],
  ["siblings", T.list(NodeSchema)],
  ["root", NodeSchema],
  ["root_commitment", Hex32],
]);

const RootSchema = T.object([
  ["format", Format, "por-mst-v1"],
  ["snapshot_id", T.str()],
  ["height", T.int({ ge: 1, le: 64 })],
  [
    "assets",
    T.list(
      T.object([
        [
          "symbol",
          T.str({
            min: 1,
            bytes: { max: 32, problem: "Value error, symbol must be 1 to 32 bytes of UTF-8" },
          }),
        ],
        ["decimals", T.int({ ge: 0, le: 36 })],
      ]),
      { min: 1 },
    ),
  ],
  ["root", NodeSchema],
  ["root_commitment", Hex32],
  ["account_count", T.int({ ge: 0 })],
]);

// Bytes to text exactly as Python reads a file: UTF-8, a byte order mark kept
// (so it is a JSON error there and here), invalid UTF-8 refused.
function decodeFile(bytes, source) {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InputError(source, null, "not valid JSON (not UTF-8 text)");
  }
}

// What the CLI does to any inclusion file before it knows the format
// (verifier/tree/formats/source.py load): UTF-8 text, a byte-order mark dropped,
// and JSON that Python's json module takes when it looks like JSON.
function loadProofText(bytes, source) {
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(source, null, "not UTF-8 text");
  }
  const first = text.trimStart()[0];
  if (first === "{" || first === "[") {
    try {
      parseJson(text, { asLoader: true });
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw new InputError(source, null, `not valid JSON (${e.message})`);
      throw e;
    }
  }
  return text;
}

function validate(schema, text, source) {
  let tree;
  try {
    tree = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new InputError(source, null, `not valid JSON (${e.message})`);
    throw e;
  }
  try {
    return schema(tree, []);
  } catch (e) {
    if (e instanceof SchemaError) throw new InputError(source, e.loc.join(".") || null, e.problem);
    throw e;
  }
}

// Step 1 of the spec: the proof's shape (from loadProofText), or InputError naming the field.
function parseProof(text, source) {
  const p = validate(ProofSchema, text, source);
  p.height = Number(p.height);
  p.assets = p.assets.map((a) => ({ symbol: a.symbol, decimals: Number(a.decimals) }));
  const problem = inconsistency(p);
  if (problem) throw new InputError(source, problem[0], problem[1]);
  return p;
}

function inconsistency(p) {
  const height = p.height;
  const k = p.assets.length;
  if (utf8.encode(p.snapshot_id).length > 65535) return ["snapshot_id", "longer than 65535 bytes"];
  for (const [i, a] of p.assets.entries()) {
    if (utf8.encode(a.symbol).length > 32) return [`assets.${i}.symbol`, "longer than 32 bytes of UTF-8"];
  }
  if (p.siblings.length !== height)
    return ["siblings", `${p.siblings.length} siblings for height ${height}`];
  if (p.index >> BigInt(height)) return ["index", `${p.index} does not fit height ${height}`];
  if (p.balances.length !== k) return ["balances", `${p.balances.length} values for ${k} assets`];
  if (p.root.sums.length !== k) return ["root.sums", `${p.root.sums.length} values for ${k} assets`];
  for (const [level, s] of p.siblings.entries()) {
    if (s.sums.length !== k) return [`siblings.${level}.sums`, `${s.sums.length} values for ${k} assets`];
  }
  return null;
}

function parseRoot(bytes, source) {
  return validate(RootSchema, decodeFile(bytes, source), source);
}

// The commitment a customer pastes: as `por inclusion verify --commitment`.
// As the CLI: "not hex" first (any published value), "0x" allowed; the length is
// checked once the file is read (commitmentLength), as por-mst-v1 does.
function publishedCommitment(text) {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const value = trimmed.toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]+$/.test(value)) throw new InputError("--commitment", null, "not hex");
  return value;
}

function commitmentLength(value) {
  if (value !== null && !HEX32.test(value)) throw new InputError("--commitment", null, "not 32 bytes of hex");
}
