"""Chain adapters: balances at a pinned snapshot, with evidence. Network I/O only;
this package knows nothing of trees or rules and never imports `verifier`."""
