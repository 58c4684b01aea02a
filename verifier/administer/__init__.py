"""The independent administrator: a return plan from a verified tree and report, and its check."""
