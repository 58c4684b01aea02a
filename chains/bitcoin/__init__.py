"""Bitcoin: scripts from addresses, balances at a pinned block from raw blocks
(Bitcoin Core JSON-RPC) or from an Esplora server's address history.

Entry points: `core.read_balances` (raw blocks, checked; scanblocks when the node
has it) and `esplora.read_balances` (history; the server trusted for completeness).
"""
