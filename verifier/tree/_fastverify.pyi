def included(proof_json: bytes, published_hex: bytes | None = None, /) -> bool:
    """True only when the proof is certainly included; False means: ask the Python verifier."""
