"""The ``tenderlint`` command line: a click group whose commands are imported only when used.

Keeping imports lazy makes ``--help`` and ``--version`` answer at once; the heavy libraries
(spaCy, scikit-learn, pypdfium2) load only in the command that needs them. Every command
lives in ``tenderlint.commands.<name>``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from tenderlint import __version__
from tenderlint.commands import _common

# command name -> (module, attribute, one-line help shown in `tenderlint --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("tenderlint.commands.check", "check", "Check documents for gaps against the guidance topics."),
    "compare": ("tenderlint.commands.compare", "compare", "Compare a contract with its solicitation: what was dropped."),
    "annotate": ("tenderlint.commands.annotate", "annotate", "Write the findings into a copy of a DOCX or PDF."),
    "extract": ("tenderlint.commands.extract", "extract", "Print the located text blocks of a document."),
    "rules": ("tenderlint.commands.rules", "rules", "List the topics and rules, or show one."),
    "eval": ("tenderlint.commands.evaluate", "evaluate", "Score topic detection against labelled documents."),
    "train": ("tenderlint.commands.train", "train", "Train the topic classifier from corpus/."),
    "audit": ("tenderlint.commands.audit", "audit", "Batch-audit folders of tenders into a database and summary."),
    "serve": ("tenderlint.commands.serve", "serve", "Serve a local web page for checking uploaded documents."),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, spec in COMMANDS.items() if _available(spec[0])]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        spec = COMMANDS.get(name)
        if spec is None or not _available(spec[0]):
            return None
        module = importlib.import_module(spec[0])
        return getattr(module, spec[1])

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help comes from the table above so that --help imports nothing.
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="tenderlint")
def main() -> None:
    """tenderlint checks tender documents and contracts for AI and technology against
    procurement guidance (the Open Contracting Partnership's Buying AI and related model
    clauses): for each of 27 topics it reports covered, weak or missing, with the evidence."""


def run() -> None:
    """The console script and ``python -m tenderlint``: run the command group, then exit.

    Once ``check`` has written its report and closed its files, nothing is left to clean up, yet
    Python's teardown would spend about 0.3 s freeing a long document's objects one by one. Such a
    run flushes its output and ends with ``os._exit``. Anything else (and every in-process caller
    of ``main``, such as tests) exits the usual way.
    """
    _common.nothing_left_to_clean_up = False  # set again by a command that finishes cleanly
    try:
        main()
    except SystemExit as done:
        if not _common.nothing_left_to_clean_up:
            raise
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe: the reader has gone, the exit status stands
                pass
        os._exit(code)
