def certify(lines: bytes, published_hex: bytes | None, /) -> tuple[bytes, bytes, bytes, bytes]:
    """Per line of a block of JSON lines: kind (0 blank, 1 certainly included, 2 ask the
    Python verifier), the offset past it (u64), and for a certified line its leaf index
    (u64) and SHA256(account_id)[:16]."""
