"""por-mst-v1, the project's liability Merkle sum tree (../shared/spec/por-mst-v1.md):
primitives, the proof format, verification, the streaming builder and its store."""
