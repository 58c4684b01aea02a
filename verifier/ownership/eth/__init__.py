"""Ethereum ownership proofs: EOA signatures (EIP-191) and contract wallets (ERC-1271)."""
