"""Data set commands: list the named data sets, download (and verify) one."""
from __future__ import annotations

import typer

from . import app

datasets_app = typer.Typer(help="Named real data sets: list them, download and verify one.",
                           no_args_is_help=True)
app.add_typer(datasets_app, name="datasets")


@datasets_app.command("list")
def list_datasets(
    long: bool = typer.Option(False, "--long", "-l", help="Also show licence, citation and source."),
):
    """Show the data sets biochemml knows, their size and where their files are."""
    from rich.console import Console
    from rich.table import Table

    from .. import datasets

    table = datasets.list()
    view = Table(show_lines=long)
    columns = ["name", "rows", "what", "local"] + (["licence", "citation", "source"] if long else [])
    for column in columns:
        view.add_column(column, overflow="fold")
    for _, row in table.iterrows():
        view.add_row(*[f"{row[c]:,}" if c == "rows" else (str(row[c]) or "not downloaded")
                       for c in columns])
    Console(width=160 if long else None).print(view)


@datasets_app.command("download")
def download(name: str = typer.Argument(..., help="Data set name, e.g. avgfp (see `biochemml datasets list`).")):
    """Download a data set into the cache (or check the local copy) and verify its SHA256."""
    from .. import datasets

    folder = datasets.download(name)
    typer.echo(f"{name}: files verified in {folder}")
