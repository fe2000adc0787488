"""``python -m ragagent`` runs the CLI."""

from ragagent.cli import main

main()
