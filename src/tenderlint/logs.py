"""Where library messages go: pypdf's and other libraries' warnings into our logger, not on stderr.

A damaged PDF makes pypdf log lines such as "incorrect startxref pointer" next to the one coded
error line tenderlint prints for the file. Without a handler of its own, Python's logging would
print them on stderr. ``quiet_libraries`` (run when the parsers are imported, also in worker
processes) gives each such logger a null handler, so by default nothing but our own lines
reaches stderr; ``--verbose`` (``show_library_messages``) shows them, each with its source.
"""

from __future__ import annotations

import logging

# Loggers of the libraries that read documents; their records go to the "tenderlint" log.
LIBRARY_LOGGERS = ("pypdf", "pypdfium2", "PIL", "docx", "lxml", "py.warnings")

_quieted = False


def quiet_libraries() -> None:
    """Keep the document libraries' log records and Python warnings off stderr (idempotent)."""
    global _quieted
    if _quieted:
        return
    logging.captureWarnings(True)  # warnings.warn(...) from a parser becomes a py.warnings record
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).addHandler(logging.NullHandler())
    logging.getLogger("tenderlint").addHandler(logging.NullHandler())
    _quieted = True


def show_library_messages(level: int = logging.INFO) -> None:
    """``--verbose``: print the libraries' and tenderlint's log records on stderr."""
    quiet_libraries()
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
