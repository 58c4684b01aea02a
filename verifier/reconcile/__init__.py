"""Reconciliation: does what the exchange holds, verified, plus its reserves, cover
what it owes its customers under a regulator's rules? Exact arithmetic throughout."""
