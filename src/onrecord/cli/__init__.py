"""onrecord.cli."""
