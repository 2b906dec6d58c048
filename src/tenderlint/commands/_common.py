"""What every command shares: turning user errors into one coded line and exit status 2."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Callable, NoReturn

import click

from tenderlint.budget import DEFAULT_TIMEOUT
from tenderlint.errors import TenderlintError, error_line
from tenderlint.results import SEVERITIES, SEVERITY_RANK

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

# The --ocr option of every command that reads documents (check, compare, audit, extract, serve).
ocr_option = click.option(
    "--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
    help="Read scanned PDF pages with Tesseract: auto (only pages without a usable text layer), "
         "always (every page) or never.")


def stderr_is_terminal() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


# Set by a command that has written and closed everything it produces (see cli.run).
nothing_left_to_clean_up = False


def output_complete() -> None:
    """Say that this command's output is written and no resource needs closing at exit."""
    global nothing_left_to_clean_up
    nothing_left_to_clean_up = True


def fail(error: TenderlintError) -> NoReturn:
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


def check_option_decorators(command: Callable) -> Callable:
    """The options of a check that ``compare`` and ``annotate`` share with ``check``: which topics,
    which rules, the model, the configuration and the parsing limits (see ``check_options``)."""
    decorators = [
        click.option("--select", multiple=True, metavar="TOPICS", help="Only expect these topics (comma-separated)."),
        click.option("--ignore", multiple=True, metavar="TOPICS", help="Never expect these topics (comma-separated)."),
        click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
                     help="An extra folder of rule files (repeatable)."),
        click.option("--no-model", is_flag=True, help="Use the rules alone, without the classifier."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="A tenderlint.toml or pyproject.toml (default: the nearest one found)."),
        click.option("--pdf-backend", type=click.Choice(["auto", "pdfium", "pypdf"]), default="auto",
                     show_default=True, help="PDF text extraction backend."),
        click.option("--max-size-mb", type=click.FloatRange(min=0.001), default=None,
                     help="Refuse files larger than this.  [default: 100]"),
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
                     help="Seconds one document may take; a slower one gets error[timeout] and the others go on."),
        verbose_option,
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def topic_list(values: tuple[str, ...]) -> list[str]:
    """Comma-separated topic ids from repeatable options, as one list."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def check_options(config_path, *, doc_type=None, select=(), ignore=(), rules_dirs=(), no_model=False,
                  pdf_backend="auto", max_size_mb=None, ocr="auto", timeout=None):
    """The configuration and the CheckOptions of a command, from the options of
    ``check_option_decorators`` and the configuration file, as ``check`` builds them
    (``tenderlint.config.check_options``: topic names resolved, per-file entries, config-invalid).

    Used by ``check``, ``compare`` and ``annotate``: a new check option belongs here and in the decorators.
    """
    from tenderlint.config import check_options as configured_options
    from tenderlint.config import load_config

    config = load_config(config_path, discover=True) if config_path else load_config()
    return config, configured_options(
        config,
        doc_type=doc_type,
        rules_dirs=tuple(str(d) for d in rules_dirs),
        select=topic_list(select),
        ignore=topic_list(ignore),
        use_model=not no_model,
        pdf_backend=pdf_backend,
        max_bytes=int(max_size_mb * 1024 * 1024) if max_size_mb else None,
        ocr=ocr,
        ocr_progress=stderr_is_terminal(),
        timeout=timeout,
    )


def write_output(output, data: str | bytes, what: str = "report") -> None:
    """Write ``data`` to ``output``, creating its folder; a failure is a usage error."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8")
    except OSError as error:
        raise TenderlintError("usage", f"{output}: cannot write the {what} ({error.strerror})") from None


def finish(errors: list, severities: list[str], fail_on: str | None, exit_zero: bool) -> NoReturn:
    """End a command the same way everywhere: one coded line per failed file on stderr, then exit
    2 when any file failed, else 1 when a finding reaches the ``fail_on`` severity (0 with
    ``exit_zero``)."""
    for result in errors:
        click.echo(error_line(result.error["code"], result.path, result.error["message"]), err=True)
    output_complete()
    if errors:
        sys.exit(EXIT_ERROR)
    threshold = SEVERITY_RANK[fail_on or SEVERITIES[-1]]
    failing = [severity for severity in severities if SEVERITY_RANK[severity] <= threshold]
    sys.exit(EXIT_OK if exit_zero or not failing else EXIT_FINDINGS)
