// The shapes of a por-mst-v1 proof and of a published root.json, checked field by
// field in the same order as the Python verifier's pydantic schemas
// (verifier/models/proof.py, verifier/models/tree.py), so that the first problem named
// here is the first problem named there, with the same words (those of
// verifier/io/documents.py as_input_error) and the same field paths (`siblings[3].sums`).

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
const MAX_UNITS = 1n << 128n;
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
        if (fallback === undefined) throw new SchemaError([...loc, name], "required field is missing");
        out[name] = fallback;
        continue;
      }
      out[name] = check(v.get(name), [...loc, name]);
    }
    const known = new Set(fields.map((f) => f[0]));
    for (const key of v.keys()) {
      if (!known.has(key)) throw new SchemaError([...loc, key], "unknown field");
    }
    return out;
  },
};

const IntStr = T.pattern(CANONICAL_INT, NOT_CANONICAL);
// root.json's sums (verifier/models/numbers.py parse_integer), worded as it words them
const IntegerText = (v, loc) => {
  if (typeof v !== "string")
    throw new SchemaError(loc, 'must be an integer written as a string, such as "100000000"');
  if (!CANONICAL_INT.test(v))
    throw new SchemaError(loc, `${pyRepr(v)} is not a canonical integer (digits, no sign, no leading 0)`);
  return v;
};
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
  ["snapshot_id", T.str({ min: 1 })],
  ["height", T.int({ ge: 1, le: 64 })],
  [
    "assets",
    T.list(
      T.object([
        [
          "symbol",
          T.str({ min: 1, bytes: { max: 32, problem: "symbol must be 1 to 32 bytes of UTF-8" } }),
        ],
        ["decimals", T.int({ ge: 0, le: 36 })],
      ]),
      { min: 1 },
    ),
  ],
  [
    "root",
    T.object([
      ["hash", Hex32],
      ["sums", T.list(IntegerText, { min: 1 })],
    ]),
  ],
  ["root_commitment", Hex32],
  ["account_count", T.int({ ge: 0 })],
]);

// ("siblings", 3, "sums") -> "siblings[3].sums", as verifier/io/documents.py field_path.
function fieldPath(loc) {
  let out = "";
  for (const part of loc) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

// The byte where a file stops being UTF-8, as Python's decoder reports it (the start of
// the first sequence that is not a character), or -1 when it all is.
function firstBadUtf8(bytes) {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let need;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let j = 1; j <= need; j++) {
      const c = bytes[i + j];
      if (c === undefined || c < (j === 1 ? lo : 0x80) || c > (j === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

// Bytes to text exactly as the CLI reads any file (verifier/io/files.py read_text):
// UTF-8, one byte-order mark dropped, the first byte that is not UTF-8 named.
function readText(bytes, source) {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const bad = firstBadUtf8(body);
  if (bad >= 0) throw new InputError(source, null, `not UTF-8 text (byte ${bad})`);
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(body);
}

// The whitespace Python's str.lstrip() removes (str.isspace).
const PYTHON_SPACE = /^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;

// JSON text as the CLI reads it (verifier/io/jsontext.py parse_json), then as pydantic
// reads it; a refusal in the CLI's words, a syntax error as "not valid JSON (...)".
function readJson(text, source, readers) {
  let tree;
  for (const reader of readers) {
    try {
      tree = parseJson(text, { reader });
    } catch (e) {
      if (e instanceof JsonRefused) throw new InputError(source, null, e.message);
      if (e instanceof JsonSyntaxError) throw new InputError(source, null, `not valid JSON (${e.message})`);
      throw e;
    }
  }
  return tree;
}

// What the CLI does to any inclusion file before it knows the format
// (verifier/tree/formats/source.py load): read it as text, and as JSON when it
// looks like JSON.
function loadProofText(bytes, source) {
  const text = readText(bytes, source);
  const first = text.replace(PYTHON_SPACE, "")[0];
  if (first === "{" || first === "[") readJson(text, source, ["json"]);
  return text;
}

function validate(schema, text, source) {
  const tree = readJson(text, source, ["json", "pydantic"]);
  try {
    return schema(tree, []);
  } catch (e) {
    if (e instanceof SchemaError) throw new InputError(source, fieldPath(e.loc) || null, e.problem);
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
    if (utf8.encode(a.symbol).length > 32) return [`assets[${i}].symbol`, "longer than 32 bytes of UTF-8"];
  }
  if (p.siblings.length !== height)
    return ["siblings", `${p.siblings.length} siblings for height ${height}`];
  if (p.index >> BigInt(height)) return ["index", `${p.index} does not fit height ${height}`];
  if (p.balances.length !== k) return ["balances", `${p.balances.length} values for ${k} assets`];
  if (p.root.sums.length !== k) return ["root.sums", `${p.root.sums.length} values for ${k} assets`];
  for (const [level, s] of p.siblings.entries()) {
    if (s.sums.length !== k) return [`siblings[${level}].sums`, `${s.sums.length} values for ${k} assets`];
  }
  return null;
}

// root.json as the CLI reads --root (verifier/io/tree.py load_root): its shape, then
// the faults across fields that TreeRoot.problems() names, in its order.
function parseRoot(bytes, source) {
  const root = validate(RootSchema, readText(bytes, source), source);
  const problem = rootProblems(root);
  if (problem) throw new InputError(source, problem[0], problem[1]);
  return root;
}

function rootProblems(root) {
  const symbols = root.assets.map((a) => a.symbol);
  const sums = root.root.sums;
  if (new Set(symbols).size !== symbols.length) return ["assets", "an asset symbol is listed twice"];
  if (sums.length !== symbols.length) return ["root.sums", `${sums.length} sums for ${symbols.length} assets`];
  for (const [i, s] of sums.entries()) {
    if (BigInt(s) >= MAX_UNITS) return [`root.sums[${i}]`, "is 2^128 or more"];
  }
  if (root.account_count > 1n << root.height)
    return ["account_count", `${root.account_count} accounts do not fit height ${root.height}`];
  return null;
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
