"""Bytes to text: byte-order marks, honest and lying charsets, binary junk."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]{1,40})""", re.I
)
_DETECTION_SAMPLE = 64 * 1024
# Characters that do not occur in text: C0 controls but tab/newline/CR, and U+FFFD.
_JUNK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


class BinaryContent(ValueError):
    """The bytes are not text in any encoding."""


def decode_bytes(raw: bytes, *, html: bool = False) -> tuple[str, str]:
    """Decode scraped bytes; returns (text, encoding used).

    Order of trust: a byte-order mark; valid UTF-8 (rarely valid by accident); for
    HTML, the charset the page declares, if the bytes decode with it; then
    charset-normalizer's guess; cp1252 last. Raises BinaryContent for junk.
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            text = raw[len(bom) :].decode(encoding, errors="replace")
            return _checked(text), encoding
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _checked(text, utf8=raw), "utf-8"
    if _looks_utf16(raw):
        encoding = "utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be"
        return _checked(raw.decode(encoding, errors="replace")), encoding
    if html:
        declared = _declared_charset(raw)
        if declared:
            try:
                return _checked(raw.decode(declared)), declared
            except (UnicodeDecodeError, LookupError):
                pass
    guessed = _guess_encoding(raw)
    if guessed:
        try:
            return _checked(raw.decode(guessed, errors="replace")), guessed
        except LookupError:
            pass
    return _checked(raw.decode("cp1252", errors="replace")), "cp1252"


def _checked(text: str, *, utf8: bytes | None = None) -> str:
    """The text without NUL; raises BinaryContent if its sample is mostly junk.

    `utf8`, the bytes the text was decoded from as UTF-8, lets the sample be counted in
    its UTF-8 bytes (those bytes, or the sample encoded again when the text is longer):
    far faster than a character class over the text; NUL is looked for in them too.
    """
    sample = text[:_DETECTION_SAMPLE]
    if sample:
        if utf8 is not None:
            junk = _junk_in_utf8(utf8 if len(text) <= _DETECTION_SAMPLE else sample.encode())
        else:
            junk = len(_JUNK.findall(sample))
        if junk > 0.05 * len(sample):
            raise BinaryContent("more than 5% of the characters are control or undecodable bytes")
    if utf8 is not None and b"\x00" not in utf8:  # a byte search, not a search of wide text
        return text
    return text.replace("\x00", "")


# The C0 controls _JUNK counts, as bytes: in UTF-8 each is a byte of its own.
_JUNK_C0_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_REPLACEMENT_UTF8 = "\ufffd".encode()


def _junk_in_utf8(data: bytes) -> int:
    """`len(_JUNK.findall(data.decode("utf-8")))` for valid UTF-8 `data`."""
    controls = len(data) - len(data.translate(None, _JUNK_C0_BYTES))
    return controls + data.count(_REPLACEMENT_UTF8)


def looks_binary(raw: bytes) -> bool:
    """Whether bytes are not text before any decoding: no byte-order mark, and more
    than 5% of the first 64 KiB are the control bytes that `decode_bytes` counts as junk.

    For formats that must be UTF-8 (JSON Lines), where a file can be judged whole
    before it is split into units.
    """
    if raw.startswith(tuple(bom for bom, _encoding in _BOMS)):
        return False
    sample = raw[:_DETECTION_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _JUNK_C0_BYTES))
    return controls > 0.05 * len(sample)


def _looks_utf16(raw: bytes) -> bool:
    sample = raw[:4096]
    if len(sample) < 16:
        return False
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) / 2
    return max(even_zeros, odd_zeros) > 0.4 * half and min(even_zeros, odd_zeros) < 0.05 * half


def _declared_charset(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw[:8192])
    if not match:
        return None
    name = match.group(1).decode("ascii", errors="ignore").lower()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # Pages that declare latin-1 are nearly always cp1252 (the WHATWG rule).
    return "cp1252" if codec in {"latin-1", "iso8859-1", "ascii"} else codec


def _guess_encoding(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes

    matches = from_bytes(raw[:_DETECTION_SAMPLE])
    best = matches.best()
    if best is None:
        return None
    # On short samples several Latin code pages tie; cp1252 is the web's default.
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.05:
            return "cp1252"
    return best.encoding
