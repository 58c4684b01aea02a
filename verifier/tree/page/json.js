// Strict JSON reader for proof and root files.
//
// Why not JSON.parse: it turns every number into a double, so an `index` above
// 2^53 would silently change, and `4.0` would pass for the integer 4 where the
// Python verifier (pydantic, strict) refuses it. This reader follows RFC 8259,
// keeps each number as its source text (JsonNumber) and keeps object keys in
// file order (a Map), so the schema check can name the same first problem as
// the Python verifier. Strings are decoded by JSON.parse itself, one token at a time.

class JsonNumber {
  constructor(text) {
    this.text = text;
  }
}

class JsonSyntaxError extends Error {}

const MAX_DEPTH = 128;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// The Python verifier's JSON reader (jiter, in pydantic) also takes NaN and the
// infinities, as numbers that are no integer: so does this one.
const LITERALS = [
  ["true", true],
  ["false", false],
  ["null", null],
  ["NaN", new JsonNumber("NaN")],
  ["Infinity", new JsonNumber("Infinity")],
  ["-Infinity", new JsonNumber("-Infinity")],
];

// `asLoader`: read as the CLI's first pass reads any proof file before it knows the
// format (Python's json module, verifier/tree/formats/source.py): NaN and the
// infinities are refused there, and a lone surrogate escape is let through.
function parseJson(text, { asLoader = false } = {}) {
  const ws = /[ \t\n\r]*/y;
  const stringToken = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
  const numberToken = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  let at = 0;

  function fail(what) {
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    throw new JsonSyntaxError(`${what} at line ${line} column ${column}`);
  }
  function skip() {
    ws.lastIndex = at;
    ws.exec(text);
    at = ws.lastIndex;
  }
  function token(re) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return null;
    at = re.lastIndex;
    return m[0];
  }
  function string() {
    const start = at;
    const raw = token(stringToken);
    if (raw === null) fail("bad string");
    const value = JSON.parse(raw);
    // a \ud800-style escape without its pair is no Unicode text: the Python reader refuses it too
    if (!asLoader && LONE_SURROGATE.test(value)) {
      at = start;
      fail("lone surrogate escape in a string");
    }
    return value;
  }
  function value(depth) {
    if (depth > MAX_DEPTH) fail("nested too deeply");
    skip();
    const c = text[at];
    if (c === "{") {
      at++;
      const obj = new Map();
      skip();
      if (text[at] === "}") {
        at++;
        return obj;
      }
      for (;;) {
        skip();
        if (text[at] !== '"') fail("expected a key");
        const key = string();
        skip();
        if (text[at] !== ":") fail("expected ':'");
        at++;
        obj.set(key, value(depth + 1));
        skip();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "}") {
          at++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      at++;
      const list = [];
      skip();
      if (text[at] === "]") {
        at++;
        return list;
      }
      for (;;) {
        list.push(value(depth + 1));
        skip();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "]") {
          at++;
          return list;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of LITERALS) {
      if (text.startsWith(word, at)) {
        if (asLoader && v instanceof JsonNumber) throw new JsonSyntaxError(`${word} is not a number a ledger can hold`);
        at += word.length;
        return v;
      }
    }
    const num = token(numberToken);
    if (num === null) fail(at >= text.length ? "unexpected end of file" : "expected a value");
    return new JsonNumber(num);
  }

  const result = value(0);
  skip();
  if (at < text.length) fail("trailing characters");
  return result;
}
