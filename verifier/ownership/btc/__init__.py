"""Bitcoin ownership proofs: addresses, BIP-137 and BIP-322 signatures."""
