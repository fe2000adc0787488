"""``ragagent serve``: the HTTP API, the OpenAI-compatible endpoint and the web chat page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ragagent.cli.app import DEFAULT_INDEX, IndexOption, app, err_console
from ragagent.cli.ask_cmds import ConfigOption, LlmOption, settings_from


@app.command()
def serve(
    index: IndexOption = DEFAULT_INDEX,
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    llm: LlmOption = None,
    config: ConfigOption = None,
    max_upload_mb: Annotated[float, typer.Option(min=0.001, help="Largest upload accepted (413 above).")] = 50.0,
    upload_dir: Annotated[Path | None, typer.Option(
        help="Where uploads are kept [default: INDEX/uploads, or PATH.db.uploads beside a milvus:PATH.db file; "
             "needed to upload to a Milvus server].")] = None,
    insecure: Annotated[bool, typer.Option(help="Allow a non-loopback host without RAGAGENT_API_TOKEN "
                                                "(anyone who can reach it may upload and delete).")] = False,
) -> None:
    """Serve the index over HTTP: the API under /v1, an OpenAI-compatible /v1/chat/completions, a chat page at /.

    Uploads and deletions need 'Authorization: Bearer $RAGAGENT_API_TOKEN' when that variable is set; without
    it the server only listens on loopback (unless --insecure).
    """
    from ragagent.server import ServeOptions, check_bind, create_app
    from ragagent.server.options import token_from_env

    settings = settings_from(index, config, llm=llm)
    options = ServeOptions(host=host, port=port, api_token=token_from_env(), insecure=insecure,
                           max_upload_mb=max_upload_mb, upload_dir=upload_dir)
    check_bind(options)
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"serving {settings.index} on http://{shown}:{port}/ (API: /v1, schema: /openapi.json)")
    uvicorn.run(create_app(settings, options), host=host, port=port, log_level="warning")
