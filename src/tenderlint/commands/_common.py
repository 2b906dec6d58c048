"""What every command shares: turning user errors into one coded line and exit status 2."""

from __future__ import annotations

import functools
import os
import sys
from typing import Callable

import click

from tenderlint.errors import TenderlintError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

# Set by a command that has written and closed everything it produces (see cli.run).
nothing_left_to_clean_up = False


def output_complete() -> None:
    """Say that this command's output is written and no resource needs closing at exit."""
    global nothing_left_to_clean_up
    nothing_left_to_clean_up = True


def fail(error: TenderlintError) -> "NoReturn":  # type: ignore[name-defined]  # noqa: F821
    click.echo(error.one_line(), err=True)
    sys.exit(EXIT_ERROR)


def verbose_option(command: Callable) -> Callable:
    """``--verbose``: show the document libraries' log messages (pypdf's warnings, ...) on stderr."""

    def show(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value:
            from tenderlint.logs import show_library_messages

            show_library_messages()

    return click.option("-v", "--verbose", is_flag=True, expose_value=False, is_eager=True, callback=show,
                        help="Show the parsing libraries' log messages (hidden by default).")(command)


def user_errors(command: Callable) -> Callable:
    """Print TenderlintError (and any unexpected bug) as one line and exit 2, never a traceback.

    Set TENDERLINT_DEBUG=1 to see the traceback of an unexpected error.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except TenderlintError as error:
            fail(error)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader went away (`tenderlint extract x.pdf | head`): stop quietly, like other tools.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except Exception as error:  # a bug: still one line, with a way to see more
            if os.environ.get("TENDERLINT_DEBUG"):
                raise
            fail(TenderlintError("internal", f"{type(error).__name__}: {error} (set TENDERLINT_DEBUG=1 for details)"))

    return wrapper
