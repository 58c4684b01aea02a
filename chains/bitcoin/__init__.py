"""Bitcoin: scripts from addresses, balances at a pinned block from raw blocks
(Bitcoin Core JSON-RPC) or from an Esplora server's address history."""
