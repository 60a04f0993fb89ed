"""Files that are not text, told by their signature (magic bytes).

Scrapes sometimes hold a PDF, an image, an archive, an office document, an
executable, audio, video, a font or a database instead of a page. `detect_binary_type`
names such a file from its first few KiB so that it is quarantined whole with its
type, rather than decoded into a junk article (a small PDF is all ASCII and would
otherwise become an article titled `%PDF-1.4`).

Signatures come from the `filetype` library. Many signatures are printable letters
(`BM`, `MZ`, `ID3`, `GIF89a`, `OggS`, `wOFF`, `PAR1`), which a text could start with
("BMW recalls ..."), so a signature counts only when the first 256 bytes also hold a
byte that text never holds (a C0 control other than tab, newline, form feed, carriage
return and escape). Binary headers have one within their first few bytes (sizes,
versions and flags with zero bytes); a tar header's first comes at byte 107 at the
latest, after the name field. A PDF is the one exception: its header line `%PDF-1.x`
is enough, since a small PDF may be all ASCII.
"""

from __future__ import annotations

import codecs
import re

import filetype

SIGNATURE_BYTES = 8192
"""How much of a file's head is looked at (filetype's own window)."""
CONTROL_WINDOW = 256
"""How far into the head a byte that text never holds must come for a signature to count."""

_TEXT_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# C0 controls that text does not hold (tab, LF, FF, CR and ESC excepted), as bytes.
_NOT_TEXT_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d[\r\n]")

# Signatures filetype does not know, kept here because scrapes do hold them: the OLE2
# compound file of legacy Office documents (.doc, .xls, .ppt), Mach-O executables and
# Parquet. Each is fixed, at offset 0.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACH_O = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
_FAT_OR_CLASS = b"\xca\xfe\xba\xbe"  # a universal Mach-O, or a Java class file
_PARQUET = b"PAR1"


def detect_binary_type(head: bytes) -> str | None:
    """'extension (mime type)' of a file that is not text, from its head; None for text.

    Text (HTML, plain text, markdown, JSON Lines) is never named: a head that starts
    with a byte-order mark, or whose first CONTROL_WINDOW bytes hold no byte that text
    never holds, is text here, unless it starts with a PDF header line.
    """
    if head.startswith(_TEXT_BOMS):
        return None
    if _PDF_HEADER.match(head):
        return "pdf (application/pdf)"
    start = head[:CONTROL_WINDOW]
    if len(start.translate(None, _NOT_TEXT_BYTES)) == len(start):
        return None
    kind = filetype.guess(head[:SIGNATURE_BYTES])
    if kind is not None:
        return f"{kind.extension} ({kind.mime})"
    return _other_type(head)


def _other_type(head: bytes) -> str | None:
    """The types filetype does not know, by their fixed signatures."""
    if head.startswith(_OLE2):
        return "ole2 office document (application/x-ole-storage)"
    if head.startswith(_MACH_O):
        return "mach-o (application/x-mach-binary)"
    if head.startswith(_FAT_OR_CLASS) and len(head) >= 8:
        # A universal binary counts its architectures here; a class file its version (>= 45).
        if int.from_bytes(head[4:8], "big") < 45:
            return "mach-o (application/x-mach-binary)"
        return "class (application/java-vm)"
    if head.startswith(_PARQUET):
        return "parquet (application/vnd.apache.parquet)"
    return None
