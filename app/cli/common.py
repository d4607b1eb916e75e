"""What every command shares: the consoles, error reporting, the runtime, JSON output."""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar

import typer
from rich.console import Console

from app.config import load_settings
from app.domain.errors import ExportgateError
from app.services.runtime import Runtime

# Markup off: names, purls and messages come from uploaded documents and may hold brackets.
out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

EXIT_ERROR = 2

JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
# The day a command asks about or records as of; `parse_day` reads it.
OnOption = Annotated[
    str | None, typer.Option("--on", help="As of this date (YYYY-MM-DD); today when absent.")
]
ComponentArgument = Annotated[str, typer.Argument(help="A purl, name@version, or an id.")]

P = ParamSpec("P")
T = TypeVar("T")


def reports_errors(command: Callable[P, None]) -> Callable[P, None]:
    """Every ExportgateError ends a command here, once: its diagnostics, then exit 2."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except ExportgateError as error:
            err.print(error.diagnostics())
            raise typer.Exit(EXIT_ERROR) from None

    return run


@contextmanager
def opened_runtime() -> Iterator[Runtime]:
    runtime = Runtime(load_settings())
    try:
        yield runtime
    finally:
        runtime.close()


def invoke(use_case: Callable[Concatenate[Runtime, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
    """One use case against a runtime opened for it alone, closed before anything is printed:
    most commands are one action, and the database is not held while output is written."""
    with opened_runtime() as runtime:
        return use_case(runtime, *args, **kwargs)


def operator() -> str:
    """Who acts at the command line, as every record it writes names them: the command, and
    the account that ran it. The command line has no key; it is the database's operator."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        user = "unknown user"
    return f"cli ({user})"


def print_json(value: Any) -> None:
    out.print_json(json.dumps(value, ensure_ascii=False, default=str), indent=2)


def print_table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Rows under their column headings, each cell as its text."""
    from rich.table import Table  # noqa: PLC0415 - only commands that print a table need it

    table = Table(*columns)
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    out.print(table)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def parse_day(value: str | None) -> dt.date:
    """--on accepts an ISO date; absent means today (UTC)."""
    if value is None:
        return today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None
