"""onrecord.formatters."""
