"""onrecord.importers."""
