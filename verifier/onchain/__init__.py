"""Reading on-chain balances for the verifier: the user's inputs checked and turned
into calls on the `chains` adapters."""
