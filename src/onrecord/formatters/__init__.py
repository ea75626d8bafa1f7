"""Output formats: thin functions over one canonical record (human, json, jsonl, sarif)."""

from onrecord.formatters.fixes import apply_safe_fixes
from onrecord.formatters.records import Checked, Record

FORMATS: tuple[str, ...] = ("human", "json", "jsonl", "sarif")

__all__ = ["FORMATS", "Checked", "Record", "apply_safe_fixes"]
