"""``python -m onrecord`` runs the CLI."""

from onrecord.cli.main import main

main()
