"""What every `saylau` command shares: which store it opens (and saying so), how an error is
reported, and the help's conventions.

The store: `--database PATH|URL` on every command that opens one, else $SAYLAU_DATABASE_URL,
else ./saylau.db in the working directory: one default for every command and for the demo.
The first line a command writes about a store is `store: ...` on stderr, naming the database
and where the choice came from, so stdout stays the command's own output (valid JSON with
`--json`).

A SaylauError becomes a message on stderr naming the field, the expected and the actual values
(every bad row of a file, with its line) and exit code 2; never a traceback.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from saylau.domain.errors import NotFound, SaylauError
from saylau.domain.ids import ActorId
from saylau.services.context import Saylau
from saylau.store import db

P = ParamSpec("P")
R = TypeVar("R")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
EXIT_ERROR = 2
CLI_ACTOR = ActorId("cli")

CONSTITUTIONAL_HELP = (
    "--constitutional: amendments to the Constitution, adopted only with a yes majority in "
    "two-thirds of the top-level units as well (the default of every command, as in the 2022 "
    "referendum); --ordinary: any other question (a national majority)")

DatabaseOption = Annotated[str | None, typer.Option(
    "--database", metavar="PATH|URL", show_default=False,
    help="the store: a SQLite file or a database URL (default: $SAYLAU_DATABASE_URL, else "
    "./saylau.db)")]


def announce(database: str | None) -> str:
    """Say on stderr which store this command uses (and where that choice came from); returns
    its URL."""
    url = db.database_url(database)
    file = db.sqlite_file(url)
    new = ", created now" if file is not None and not file.exists() else ""
    err.print(f"store: {db.describe(url)} ({db.database_source(database)}{new})",
              markup=False)
    return url


def plain_table(*columns: str, **options: Any) -> Table:
    """A table without a frame (a rule under the header only), so that it fits in 80 columns."""
    return Table(*columns, box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, **options)


_opened: list[Saylau] = []


def open_store(database: str | None) -> Saylau:
    """The store of this command, announced; its connections are closed when the command
    ends (`reports_errors`)."""
    s = Saylau.open(announce(database))
    _opened.append(s)
    return s


def close_all() -> None:
    while _opened:
        _opened.pop().engine.dispose()


def reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a SaylauError into a readable report and exit code 2; close the stores opened."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except SaylauError as exc:
            print_error(exc)
            raise typer.Exit(EXIT_ERROR) from None
        finally:
            close_all()

    return wrapper


def read_hex(path: Path) -> str:
    """A key file's hex text (`keys create` writes NAME.pub), refused naming the path when
    there is no such file."""
    if not path.exists():
        raise NotFound(f"no file {path}", details={"field": "path", "actual": str(path)})
    return path.read_text(encoding="utf-8").strip()


def in_words(value: object) -> str:
    """A row's expected or actual value as a reader wants it: text as it is, figures with
    their names (`ballots_in_boxes 501, expected 494`), nothing as "nothing"."""
    if value is None or value == "":
        return "nothing"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                         for k, v in value.items()) or "nothing"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "nothing"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def row_line(r: dict[str, Any], kind: str = "") -> str:
    """One problem (or warning) of a file: its line, field, expected, actual, message."""
    line = r.get("line")
    where = f"line {line}: " if line is not None else ""
    message = str(r.get("message") or "")
    if line is not None and message.startswith(f"line {line}: "):
        message = message.removeprefix(f"line {line}: ")
    code = f" ({r['code']})" if r.get("code") else ""
    label = f"{kind} " if kind else ""
    return (f"  {label}{where}{r.get('field')}{code}: expected {in_words(r.get('expected'))}, "
            f"got {in_words(r.get('actual'))}: {message}")


def print_error(exc: SaylauError) -> None:
    err.print(f"error ({exc.code}): {exc.message}", markup=False)
    rows: list[Any] = exc.details.get("rows") or exc.details.get("problems") or []
    for r in rows:  # every one: a file is corrected once, not 200 rows at a time
        err.print(row_line(r), markup=False)
    for f in exc.details.get("findings", []):  # a protocol's checks, a file's fields
        err.print(row_line(f, str(f.get("severity") or "")), markup=False)
    other = {k: v for k, v in exc.details.items() if k not in ("rows", "problems", "findings")}
    if other:
        err.print(f"  details: {json.dumps(other, ensure_ascii=False, default=str)}",
                  markup=False)


def _no_type_for_flags() -> None:
    """A flag takes no value, so its help shows no type: typer labels every flag `<bool>`
    (even --help), which reads as if it wanted one."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_no_type_for_flags()
