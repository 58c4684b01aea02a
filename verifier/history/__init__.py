"""The history of an exchange's reports: stored in SQLite, read back as entries, and
compared over time (trends, what got worse) and across exchanges (overlaps)."""
