'use strict';
// A bcoin full node on regtest, in memory, with Bitcoin Core's regtest address
// prefixes, for the test suite. bcoin 1.0.2 ships its own regtest prefixes
// (bech32 "rb", ...); Core's are assigned here before the node is built, so
// no file under node_modules is edited. Its genesis block is already Core's.
//
// usage: node bcoin_regtest.js HTTP_PORT API_KEY
// Prints one line "ready <height>" on stdout once the RPC server listens.

const networks = require('bcoin/lib/protocol/networks');

Object.assign(networks.regtest.addressPrefix, {
  pubkeyhash: 0x6f,
  scripthash: 0xc4,
  bech32: 'bcrt'
});
networks.regtest.keyPrefix.privkey = 0xef;

// bcoin 1.0.2 predates taproot: like Core before it, it treats a witness v1
// output as anyone-can-spend, and its mempool refuses to relay such spends
// ("upgradable witness program"). Lifting only that relay policy lets the
// tests spend P2TR outputs; consensus rules are untouched.
const {flags} = require('bcoin/lib/script/common');
flags.STANDARD_VERIFY_FLAGS &= ~flags.VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM;

const bcoin = require('bcoin');

async function main() {
  const [port, apiKey] = process.argv.slice(2);
  if (!port || !apiKey)
    throw new Error('usage: bcoin_regtest.js HTTP_PORT API_KEY');

  const node = new bcoin.FullNode({
    network: 'regtest',
    memory: true,
    workers: false,
    listen: false,
    logConsole: false,
    httpHost: '127.0.0.1',
    httpPort: Number(port),
    apiKey
  });

  // bcoin's sendrawtransaction answers before the mempool has judged the
  // transaction and swallows a rejection; it surfaces here, on stderr.
  node.on('error', (err) => process.stderr.write(`error: ${err.message}\n`));

  // open() starts the chain, mempool and the HTTP/RPC server; connect() is
  // never called, so the node makes no peer connections.
  await node.open();
  process.stdout.write(`ready ${node.chain.height}\n`);

  const stop = async () => {
    await node.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
