// Answers Poseidon questions with circomlibjs (npm), to check verifier/tree/poseidon.py
// against an implementation written by others. Reads a JSON request on stdin:
//   {"states": [[lane0, in1, ...], ...], "chains": [[in1, in2, ...], ...]} (decimal strings)
// and writes {"permuted": [...], "chained": [...], "constants": {...}}: each state
// permuted whole by circomlibjs's reference (unoptimized) Poseidon, each chain hashed
// the vendors' way (blocks of 12 carrying lane 0, digest lane 1) with circomlibjs's
// optimized one, and circomlibjs's optimized constants table as decimal strings.
import { buildPoseidonReference, buildPoseidonOpt } from "circomlibjs";
import { readFileSync } from "node:fs";

const request = JSON.parse(readFileSync(0, "utf8"));
const reference = await buildPoseidonReference();
const opt = await buildPoseidonOpt();
const F = reference.F;
const dec = (x) => F.toString(x, 10);

const permuted = request.states.map((s) => {
  const out = reference(s.slice(1).map(BigInt), BigInt(s[0]), s.length);
  return out.map(dec);
});
const chained = request.chains.map((inputs) => {
  let lane0 = 0n;
  let state = null;
  for (let i = 0; i < inputs.length; i += 12) {
    state = opt(inputs.slice(i, i + 12).map(BigInt), lane0, 2);
    lane0 = F.toObject(state[0]);
  }
  return dec(state[1]);
});
const table = new URL("../../node_modules/circomlibjs/src/poseidon_constants_opt.json", import.meta.url);
const constants = JSON.parse(readFileSync(table, "utf8"));
process.stdout.write(JSON.stringify({ permuted, chained, constants }));
