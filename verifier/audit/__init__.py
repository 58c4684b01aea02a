"""The auditor's `por verify`: an attestation in, a report out.

Each step is its own module and returns results; `run.verify_attestation` composes
them and hands everything to the reconciler, which owns the verdict.
"""
