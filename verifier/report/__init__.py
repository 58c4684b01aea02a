"""The report: one model, built from a reconciliation, rendered as JSON, terminal or HTML."""
