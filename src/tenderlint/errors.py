"""Errors a user can cause, each with a stable code and a one-line message.

Tracebacks are for bugs. Anything a user can trigger with a file, an option or a
configuration raises ``TenderlintError``; the CLI prints ``error[<code>]: <message>``
and exits with status 2.
"""

from __future__ import annotations

import re

# Stable error codes. Never rename one: scripts and the audit store rely on them.
ERROR_CODES: dict[str, str] = {
    "not-found": "the file does not exist or cannot be read",
    "not-a-file": "the path is a directory, FIFO, device or other non-regular file, not a document",
    "empty": "the file is empty",
    "too-large": "the file is over the configured size limit",
    "unsupported-format": "the file is not a PDF, DOCX, HTML, Markdown or plain text document",
    "corrupt": "the file is damaged or truncated and cannot be parsed",
    "encrypted": "the PDF is encrypted and cannot be opened without a password",
    "no-text-layer": "the PDF has pages but no text layer (it looks scanned and needs OCR)",
    "ocr-unavailable": "OCR was asked for (--ocr always) but Tesseract or tesserocr is not installed",
    "decompression-limit": "the document expands beyond the decompression size limit",
    "unsafe-xml": "the document contains XML constructs that are refused (entities, DTDs)",
    "binary-text": "the text file contains binary content",
    "timeout": "processing the document took longer than the time limit",
    "rule-invalid": "a rule file is invalid",
    "config-invalid": "the configuration is invalid",
    "model-invalid": "the classifier model cannot be loaded",
    "usage": "the command was used incorrectly",
    "ocds-invalid": "the file is not an OCDS release package, record package or JSON Lines of releases or records",
    "url-refused": "the document URL (or a redirect) is not http or https, so it is not fetched",
    "download-failed": "the document could not be downloaded (connection refused, reset or unreadable)",
    "download-timeout": "the download took longer than the time limit, on every attempt",
    "no-url": "the OCDS document has no URL to fetch it from (it may be published offline)",
    "http-<status>": "the server answered the download with that HTTP error status (e.g. http-404, http-500)",
    "internal": "an unexpected internal error (a bug: please report it)",
}


HTTP_STATUS_CODE = re.compile(r"http-[1-5][0-9][0-9]")


def is_error_code(code: str) -> bool:
    """Whether ``code`` is one of the stable codes (``http-404`` and the like stand for ``http-<status>``)."""
    return (code in ERROR_CODES and code != "http-<status>") or bool(HTTP_STATUS_CODE.fullmatch(code))


class TenderlintError(Exception):
    """A user-facing error with a stable code and a one-line message."""

    def __init__(self, code: str, message: str):
        if not is_error_code(code):
            raise ValueError(f"unknown error code {code!r}")
        # One line only: messages end up in terminals, CSV cells and database rows.
        message = " ".join(str(message).split())
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self):
        # Pickled with both arguments: a budgeted child process sends its error to the parent.
        return (type(self), (self.code, self.message))

    def one_line(self) -> str:
        return f"error[{self.code}]: {_UNPRINTABLE_IN_MESSAGE.sub(_escape, self.message)}"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


# Characters that would break one error into several lines, or hide part of it, in a terminal.
# Undecodable bytes of a file name arrive as lone surrogates, which no terminal encoding can print.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\\]")
_UNPRINTABLE_IN_MESSAGE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def shown_path(path: object) -> str:
    """``path`` as one printable line: control characters and line separators escaped (``\\n``, ``\\x1b``).

    A backslash is doubled so that an escaped path cannot be mistaken for another real one.
    """
    return _UNPRINTABLE.sub(_escape, str(path))


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or (
        f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")


def error_line(code: str, path: object, message: str) -> str:
    """The one line a command prints for a file that failed: ``error[<code>]: <path>: <message>``."""
    message = _UNPRINTABLE_IN_MESSAGE.sub(_escape, " ".join(str(message).split()))
    return f"error[{code}]: {shown_path(path)}: {message}"
