"""onrecord.checks."""
