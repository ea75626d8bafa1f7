"""Codes of conduct as data: shipped packs, organisation layers, validation."""

from onrecord.codes.errors import PackError
from onrecord.codes.loader import PackRegistry, read_pack_file, validate_file

__all__ = ["PackError", "PackRegistry", "read_pack_file", "validate_file"]
