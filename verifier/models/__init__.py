"""Pydantic models: each file format the tool reads or writes is documented by its model."""
