// Strict JSON reader for proof and root files, refusing what the CLI's reader refuses
// (verifier/io/jsontext.py parse_json) in the same words.
//
// Why not JSON.parse: it turns every number into a double, so an `index` above
// 2^53 would silently change, and `4.0` would pass for the integer 4 where the
// Python verifier (pydantic, strict) refuses it; it also takes a key written twice
// (the last one wins), so two readers could see two different files. This reader
// follows RFC 8259, keeps each number as its source text (JsonNumber) and keeps
// object keys in file order (a Map), so the schema check can name the same first
// problem as the Python verifier. Strings are decoded by JSON.parse itself, one token
// at a time.

class JsonNumber {
  constructor(text) {
    this.text = text;
  }
}

// Not JSON at all: the CLI says "not valid JSON (...)", in its parser's own words.
class JsonSyntaxError extends Error {}

// JSON, but not a file this tool reads: the CLI's sentence word for word.
class JsonRefused extends Error {}

// How deep each of the CLI's two readers follows nesting: before Python's json module
// parses anything, the CLI measures the brackets outside double-quoted strings and
// refuses a file with more than 512 open at once (chains/nesting.py), in the words of
// TOO_DEEP; pydantic's jiter reads to a value 200 containers deep (deeper is its
// "recursion limit exceeded").
const MAX_DEPTH = 512;
const TOO_DEEP = `nested more than ${MAX_DEPTH} levels deep: not a file of this tool`;
const PYDANTIC_DEPTH = 200;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LITERALS = [
  ["true", true],
  ["false", false],
  ["null", null],
];
// Python's json reads these as numbers; the CLI refuses them when it meets them.
const CONSTANTS = ["NaN", "Infinity", "-Infinity"];

// What Python's repr() writes for a str, as the CLI's messages quote keys and values:
// single quotes unless only they occur in the text, and \\, \n, \r, \t, \xNN, \uNNNN,
// \UNNNNNNNN for what str.isprintable() refuses (controls, format characters,
// surrogates, private use, unassigned code points, separators other than space).
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;
function pyRepr(text) {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch !== " " && NOT_PRINTABLE.test(ch)) {
      const hex = code.toString(16);
      if (code < 0x100) out += `\\x${hex.padStart(2, "0")}`;
      else if (code < 0x10000) out += `\\u${hex.padStart(4, "0")}`;
      else out += `\\U${hex.padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

// `reader`: the CLI reads every file twice, first with Python's json module ("json":
// a lone \ud800-style escape let through, nesting followed as far as the interpreter
// can), then with pydantic ("pydantic": such an escape refused, nesting to 200).
// Both refuse a key written twice (when its object closes, as Python's reader does)
// and NaN or the infinities (where they stand): the first reading already did.
function tooDeep(text) {
  const outside = text.replace(/"[^"\\]*(?:\\[\s\S][^"\\]*)*"/g, "");
  let depth = 0;
  for (const c of outside.replace(/[^[\]{}]+/g, "")) {
    depth += c === "[" || c === "{" ? 1 : -1;
    if (depth > MAX_DEPTH) return true;
  }
  return false;
}

function parseJson(text, { reader = "pydantic" } = {}) {
  if (reader === "json" && tooDeep(text)) throw new JsonRefused(TOO_DEEP);
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
    // a \ud800-style escape without its pair is no Unicode text: pydantic refuses it
    if (reader === "pydantic" && LONE_SURROGATE.test(value)) {
      at = start;
      fail("lone surrogate escape in a string");
    }
    return value;
  }
  function object(depth) {
    at++;
    const pairs = [];
    skip();
    if (text[at] === "}") {
      at++;
      return new Map();
    }
    for (;;) {
      skip();
      if (text[at] !== '"') fail("expected a key");
      const key = string();
      skip();
      if (text[at] !== ":") fail("expected ':'");
      at++;
      pairs.push([key, value(depth + 1)]);
      skip();
      if (text[at] === ",") {
        at++;
        continue;
      }
      if (text[at] === "}") {
        at++;
        break;
      }
      fail("expected ',' or '}'");
    }
    const obj = new Map();
    for (const [key, v] of pairs) {
      if (obj.has(key)) throw new JsonRefused(`key ${pyRepr(key)} appears twice in one object`);
      obj.set(key, v);
    }
    return obj;
  }
  function value(depth) {
    if (reader === "pydantic" && depth > PYDANTIC_DEPTH) fail("recursion limit exceeded");
    skip();
    const c = text[at];
    if (c === "{") return object(depth);
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
    for (const word of CONSTANTS) {
      if (text.startsWith(word, at)) throw new JsonRefused(`${word} is not a number a file may hold`);
    }
    for (const [word, v] of LITERALS) {
      if (text.startsWith(word, at)) {
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
