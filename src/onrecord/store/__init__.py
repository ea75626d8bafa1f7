"""onrecord.store."""
