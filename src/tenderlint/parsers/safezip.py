"""Open Office ZIP containers defensively: size caps that hold even when headers lie, and no XML DTDs.

A DOCX is a ZIP of XML parts. Before python-docx or lxml touch it, every member is
stream-decompressed against a hard cap (so a zip bomb whose headers under-state its size
still stops at the cap) and every XML part is refused if it declares a DTD or entities.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from tenderlint.errors import TenderlintError

# Total bytes all members of one document may inflate to.
MAX_INFLATED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 20_000
_CHUNK = 1024 * 1024

XML_SUFFIXES = (".xml", ".rels", ".vml")
_UNSAFE_MARKERS = (b"<!doctype", b"<!entity")


def read_zip_members(data: bytes, name: str, *, limit: int | None = None) -> dict[str, bytes]:
    """Inflate every member of the ZIP ``data``; return the XML parts' bytes by member name.

    Raises ``corrupt`` for a damaged archive, ``decompression-limit`` when the declared or
    actual inflated size passes ``limit``, and ``unsafe-xml`` for DTDs or entity declarations.
    """
    limit = MAX_INFLATED_BYTES if limit is None else limit
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as error:
        raise TenderlintError("corrupt", f"{name} is a damaged or truncated ZIP/DOCX container ({error})")
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise TenderlintError("decompression-limit", f"{name} holds {len(infos)} ZIP members (limit {MAX_MEMBERS})")
        declared = sum(info.file_size for info in infos)
        if declared > limit:
            raise TenderlintError(
                "decompression-limit",
                f"{name} declares {declared // (1024 * 1024)} MiB of uncompressed content (limit {limit // (1024 * 1024)} MiB)",
            )
        xml_parts: dict[str, bytes] = {}
        inflated = 0
        for info in infos:
            if info.is_dir():
                continue
            is_xml = info.filename.lower().endswith(XML_SUFFIXES)
            chunks: list[bytes] = []
            try:
                with archive.open(info) as stream:
                    while True:
                        chunk = stream.read(_CHUNK)
                        if not chunk:
                            break
                        inflated += len(chunk)
                        if inflated > limit:
                            raise TenderlintError(
                                "decompression-limit",
                                f"{name} inflates beyond {limit // (1024 * 1024)} MiB (member {info.filename}); refusing a possible zip bomb",
                            )
                        if is_xml:
                            chunks.append(chunk)
            except TenderlintError:
                raise
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as error:
                raise TenderlintError("corrupt", f"{name}: ZIP member {info.filename} cannot be read ({error})")
            if is_xml:
                part = b"".join(chunks)
                check_xml_safe(part, f"{name}:{info.filename}")
                xml_parts[info.filename] = part
        return xml_parts


def check_xml_safe(part: bytes, where: str) -> None:
    """Refuse XML that declares a DTD or entities, in UTF-8 or UTF-16 encodings."""
    probe = part
    if part.startswith((b"\xff\xfe", b"\xfe\xff")):
        probe = part.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    elif b"\x00" in part[:200]:
        # UTF-16 without a BOM: dropping NULs is enough to see ASCII markup.
        probe = part.replace(b"\x00", b"")
    lowered = probe.lower()
    for marker in _UNSAFE_MARKERS:
        if marker in lowered:
            raise TenderlintError("unsafe-xml", f"{where} contains a {marker.decode().upper()} declaration; DTDs and entities are refused")


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser that never resolves entities, never touches the network and refuses huge trees."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False)


def parse_xml(part: bytes, where: str) -> etree._Element:
    check_xml_safe(part, where)
    try:
        return etree.fromstring(part, parser=safe_xml_parser())
    except etree.XMLSyntaxError as error:
        raise xml_error(error, where) from None


def xml_error(error: Exception, where: str) -> TenderlintError:
    """The coded error for XML that lxml refused: ``too-large`` when it hit one of libxml2's
    limits (a text run over 10 MB, nesting over 256 levels), else ``corrupt``."""
    if "Resource limit exceeded" in str(error) or "Excessive depth" in str(error) or "too long" in str(error):
        return TenderlintError("too-large", f"{where} is over the XML parser's limits (a text run over 10 MB or "
                                            f"nesting over 256 levels): {error}")
    return TenderlintError("corrupt", f"{where} is not well-formed XML ({error})")
