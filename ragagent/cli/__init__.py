"""The ``ragagent`` command line: ingest, search, info, ask, chat, eval, models.

Exit codes: 0 success; 1 error (one line on stderr; ``--debug`` shows the traceback);
2 bad usage; 3 ingest was partial (some files failed, the rest were ingested).
"""

from ragagent.cli import ask_cmds, chat_cmd, index_cmds, models_cmd, serve_cmd  # noqa: F401  (registers commands)
from ragagent.cli.app import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, app, main
from ragagent.cli.eval_cmds import eval_app as _eval_app

app.add_typer(_eval_app, name="eval")

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_PARTIAL", "EXIT_USAGE", "app", "main"]
