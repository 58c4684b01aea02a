"""por-verifier: check an exchange's proof of reserves.

`chains/` reads balances from nodes; this package is the domain (liability trees,
ownership, reconciliation) and the `por` command line over it.
"""
