"""Every `saylau ... --help` as a new user reads it in an 80-column terminal: no flag labelled
as if it took a value (`<bool>`), no sentence cut by a line break of the source, every
argument and option explained, arguments named alike (upper case), every command that opens a
store taking `--database`, and nothing wider than the terminal."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import click
import pytest
import typer
from typer.testing import CliRunner

from saylau.cli.main import app

ROOT = typer.main.get_command(app)
NO_STORE = {"decide", "allocate", "verify", "keys create",
            "pvt"}  # integrity (issue 14): the quick count on files
"""Commands that never open a store (they work on files alone)."""


def _commands(cmd: click.Command = ROOT, path: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], click.Command]]:
    yield path, cmd
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands())
LEAVES = [(path, cmd) for path, cmd in COMMANDS if not getattr(cmd, "commands", None)]


def _id(item: tuple[tuple[str, ...], Any]) -> str:
    return " ".join(item[0]) or "saylau"


@pytest.mark.parametrize("item", COMMANDS, ids=_id)
def test_help_fits_80_columns_and_labels_no_flag_bool(item: tuple[tuple[str, ...], Any]
                                                      ) -> None:
    path, _ = item
    r = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    assert "<bool>" not in r.stdout
    wide = [line for line in r.stdout.splitlines() if len(line) > 80]
    assert not wide, wide


@pytest.mark.parametrize("item", COMMANDS, ids=_id)
def test_no_paragraph_of_a_help_is_broken_mid_sentence(item: tuple[tuple[str, ...], Any]
                                                       ) -> None:
    """typer keeps a docstring's line breaks inside its later paragraphs, so a paragraph that
    goes on over two source lines is shown cut in two: each paragraph is one line."""
    _, cmd = item
    text = inspect.cleandoc(cmd.help or "")
    assert text, "no help"
    broken = [p for p in text.split("\n\n") if "\n" in p]
    assert not broken, broken


@pytest.mark.parametrize("item", LEAVES, ids=_id)
def test_every_parameter_is_explained_and_arguments_are_named_alike(
    item: tuple[tuple[str, ...], Any]
) -> None:
    path, cmd = item
    for p in cmd.params:
        if p.name == "help":
            continue
        assert getattr(p, "help", None), f"{' '.join(path)}: {p.name} has no help"
        if isinstance(p, click.Argument) or p.param_type_name == "argument":
            # NAME, or NAME.ext for a file: FILE.csv, FILE.pub
            name = (p.metavar or "").split(".")[0]
            assert name and name == name.upper(), (path, p.name, p.metavar)


@pytest.mark.parametrize("item", LEAVES, ids=_id)
def test_every_command_on_a_store_takes_database(item: tuple[tuple[str, ...], Any]) -> None:
    path, cmd = item
    name = " ".join(path)
    options = {o for p in cmd.params for o in getattr(p, "opts", [])}
    if name in NO_STORE or path[0] in NO_STORE:
        assert "--database" not in options, name
    else:
        assert "--database" in options, name
