"""`por reserves check`: a published reserve list's claimed balances against the chains."""
