"""Text clean-up and decoding shared by every parser: ligatures, odd spaces, encodings, binary checks."""

from __future__ import annotations

import codecs
import re

from tenderlint.errors import TenderlintError

# Typographic ligatures PDF fonts emit as single code points; rules match plain letters.
LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}

# Each of these characters becomes its replacement (or nothing).
_REPLACEMENTS = {
    **LIGATURES,
    "\u00a0": " ",  # no-break space
    "\u2007": " ",
    "\u202f": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u200b": "",  # zero-width space
    "\u00ad": "",  # soft hyphen inside a word
    "\ufeff": "",
    "\ufffe": "-",  # pdfium's marker for a hyphen it treated as soft
    "\u0002": "-",
    "\u2011": "-",  # non-breaking hyphen
    "\t": " ",
    "\x0b": " ",
    "\x0c": " ",
}
# A regex finds the few odd characters much faster than str.translate walks a non-ASCII text.
_REPLACEABLE = re.compile("[" + "".join(map(re.escape, _REPLACEMENTS)) + "]")

_PDFIUM_SOFT_HYPHEN = re.compile(r"(?<=[a-z\u00df-\u00ff])[\ufffe\u0002](?=[a-z\u00df-\u00ff])")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACES = re.compile(r"  +")  # a literal prefix lets the regex engine skip single spaces fast


def normalise_characters(text: str) -> str:
    """``text`` with ligatures expanded, odd spaces normalised and controls removed; line breaks stay.

    Each change looks at one line only, so a whole page can be normalised at once and then split.
    """
    if "\ufffe" in text or "\u0002" in text:
        # pdfium joins a word hyphenated across lines with this marker: between lower-case
        # letters it was a line-end hyphen ("docu-/mentation"); elsewhere ("AI-/systeem") keep a hyphen.
        text = _PDFIUM_SOFT_HYPHEN.sub("", text)
    text = _CONTROL.sub("", _REPLACEABLE.sub(_replacement, text))
    return _SPACES.sub(" ", text)


def _replacement(match: re.Match[str]) -> str:
    return _REPLACEMENTS[match.group()]


def clean_line(text: str) -> str:
    """One line of text with ligatures expanded, odd spaces normalised and controls removed."""
    return normalise_characters(text).strip()


def clean_block(text: str) -> str:
    """A block's text on one logical line: inner newlines become spaces."""
    if text.isascii() and text.isprintable() and "  " not in text:
        # Nothing to replace or remove (every character changed above is a control or not ASCII),
        # no run of spaces: only the ends to strip. The common case, and a 200,000-row table has
        # 400,000 such cells.
        return text.strip()
    return clean_line(text.replace("\r", " ").replace("\n", " "))


# Share of control characters above which "text" is really binary data.
MAX_CONTROL_SHARE = 0.05
_SNIFF_BYTES = 65536


def looks_binary(data: bytes) -> bool:
    """True when ``data`` (undecoded, without a UTF-16 BOM) has NUL bytes or many control bytes."""
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls / len(head) > MAX_CONTROL_SHARE


def decode_text(data: bytes, *, name: str = "the file") -> str:
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else the encoding
    ``charset-normalizer`` finds (Latin-2, Cyrillic, Greek and other legacy code pages).

    Raises ``binary-text`` for content that is not text at all.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise TenderlintError("binary-text", f"{name} has a UTF-16 byte-order mark but is not valid UTF-16 ({error.reason})")
        if "\x00" in text or _control_share(text) > MAX_CONTROL_SHARE:
            raise TenderlintError("binary-text", f"{name} contains binary content, not text")
        return text
    if looks_binary(data):
        raise TenderlintError("binary-text", f"{name} contains binary content (NUL or control bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            # UTF-8 cut inside its last character (a sniffer's prefix, a truncated file): drop the fragment.
            return data[:error.start].decode("utf-8-sig")
        return data.decode(legacy_encoding(data), errors="replace")


# Two code pages that decode a short Western text equally well are told apart by no
# statistics; cp1252 is then by far the likelier one (French, Spanish, German files from Windows).
_WESTERN = "cp1252"
_COHERENCE_MARGIN = 0.02


def legacy_encoding(data: bytes) -> str:
    """The single-byte (or legacy multi-byte) encoding ``data`` reads best in; cp1252 when nothing fits."""
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return _WESTERN
    for match in matches:
        if (match.encoding == _WESTERN and match.chaos <= best.chaos
                and match.coherence >= best.coherence - _COHERENCE_MARGIN):
            return _WESTERN
    return best.encoding


def _control_share(text: str) -> float:
    head = text[:_SNIFF_BYTES]
    if not head:
        return 0.0
    controls = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls / len(head)
