"""Readers: find the raw files under an input root and turn each into raw units.

A file is read once, with its size capped; a gzip file is inflated only up to a cap.
A file that is not text (a PDF, an image, an archive, ...) is told by its signature
and rejected whole. Otherwise its format is told by its content first, its name
second. JSON Lines files yield one unit per line; every other file is one unit.
Anything unreadable becomes a `Rejected` unit, never an exception.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import posixpath
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from newsclean.config import Settings
from newsclean.readers.decode import looks_binary
from newsclean.readers.jsonl import BadRecord, parse_record
from newsclean.readers.markdown import looks_like_markdown
from newsclean.readers.signature import detect_binary_type
from newsclean.record import RawUnit, Rejected

_GZIP_MAGIC = b"\x1f\x8b"
_HTML_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.I | re.S,
)
_HTML_TAG = re.compile(
    rb"<(?:p|div|span|a|article|section|br|h[1-6]|script|li|table|img)\b[^>]{0,500}>", re.I
)
_HTML_NAMES = (".html", ".htm", ".xhtml", ".shtml")
_JSONL_NAMES = (".jsonl", ".ndjson", ".jl")
_MARKDOWN_NAMES = (".md", ".markdown", ".mdown")


class InputRootError(OSError):
    """The input root does not exist or cannot be listed."""


@dataclass(frozen=True, slots=True)
class InputFile:
    """One raw file found under the input root.

    `uri` and `relative` name the file in records and manifests: always valid text,
    with bytes of a file name that are not UTF-8 written as `\\xNN` escapes.
    `location` is the path to open, exactly as the filesystem spells it.
    """

    uri: str
    relative: str
    size: int
    location: str = ""

    @property
    def path(self) -> str:
        """Where to open the file."""
        return self.location or self.uri


def printable_name(name: str) -> str:
    """A file name as valid text: undecodable bytes (surrogate escapes) become `\\xNN`."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", errors="surrogateescape").decode(
            "utf-8", errors="backslashreplace"
        )
    return name


def _input_file(uri: str, relative: str, size: int) -> InputFile:
    return InputFile(printable_name(uri), printable_name(relative), size, uri)


# URL schemes whose fsspec backend a newsclean extra installs: scheme -> (extra, package).
_BACKEND_EXTRAS = {
    "s3": ("s3", "s3fs"),
    "s3a": ("s3", "s3fs"),
    "gs": ("gcs", "gcsfs"),
    "gcs": ("gcs", "gcsfs"),
}


def open_root(root: str) -> tuple[Any, str]:
    """The fsspec filesystem and path for an input root (a local path or a URI).

    A URL whose backend is not installed names what to install: the newsclean extra
    when there is one, else fsspec's own advice.
    """
    from fsspec.core import split_protocol, url_to_fs

    try:
        fs, path = url_to_fs(root)
    except ImportError as error:
        scheme = split_protocol(root)[0] or ""
        if scheme in _BACKEND_EXTRAS:
            extra, package = _BACKEND_EXTRAS[scheme]
            raise InputRootError(
                f"install newsclean[{extra}] ({package}) to read {scheme}:// inputs"
            ) from None
        raise InputRootError(f"cannot open input root {root!r}: {error}") from None
    except ValueError as error:
        raise InputRootError(f"cannot open input root {root!r}: {error}") from None
    return fs, path


def discover(root: str) -> list[InputFile]:
    """All raw files below `root`, recursively, in a stable order (see `iter_inputs`)."""
    return list(iter_inputs(root))


def iter_inputs(root: str) -> Iterator[InputFile]:
    """The raw files below `root`, recursively, sorted by relative path, one at a time.

    Hidden files and folders (names starting with '.' or '_') are skipped. A local
    root is walked folder by folder, so a day of many files is never listed whole in
    memory; other filesystems are listed through fsspec. A missing or unreadable root
    fails here, before the first file is asked for.
    """
    fs, base = open_root(root)
    try:
        if not fs.exists(base):
            raise InputRootError(f"input root does not exist: {root}")
        if fs.isfile(base):
            info = fs.info(base)
            return iter(
                [_input_file(_uri(fs, base), posixpath.basename(base), int(info.get("size") or 0))]
            )
        if _is_local(fs):
            return _walk_local(base, "", os.scandir(base))
        found = fs.find(base, detail=True, withdirs=False)
    except PermissionError as error:
        raise InputRootError(f"cannot read input root {root}: {error.strerror or error}") from None
    files = []
    base_stripped = base.rstrip("/")
    for path, info in found.items():
        relative = posixpath.relpath(path, base_stripped) if base_stripped else path
        if any(part.startswith((".", "_")) for part in relative.split("/")):
            continue
        if info.get("type") == "directory":
            continue
        # FIFOs, devices, sockets and dangling links are listed too: reading refuses
        # them with a reason, so they show up in the accounting instead of vanishing.
        files.append(_input_file(_uri(fs, path), relative, int(info.get("size") or 0)))
    files.sort(key=lambda f: f.relative)
    return iter(files)


def _is_local(fs: Any) -> bool:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return protocol in ("file", "local")


def _walk_local(folder: str, prefix: str, listing: Any = None) -> Iterator[InputFile]:
    """The files below a local folder in the order of their relative paths.

    Lists what fsspec's local `find` lists: everything that is not a folder (links,
    also to folders, are not followed; FIFOs and devices are listed, for reading to
    refuse with a reason); an unreadable subfolder is skipped. A folder's entries
    are sorted with a '/' after each folder name, so that walking folder by folder
    gives exactly the order of sorting all relative paths.
    """
    try:
        with listing or os.scandir(folder) as entries_found:
            entries = [entry for entry in entries_found if not entry.name.startswith((".", "_"))]
    except OSError:
        return
    keyed = []
    for entry in entries:
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        name = printable_name(entry.name)
        keyed.append((name + "/" if is_folder else name, is_folder, entry))
    keyed.sort(key=lambda item: item[0])
    del entries
    for _key, is_folder, entry in keyed:
        relative = prefix + printable_name(entry.name)
        if is_folder:
            yield from _walk_local(entry.path, relative + "/")
            continue
        try:
            size = entry.stat(follow_symlinks=True).st_size
        except FileNotFoundError:
            if not entry.is_symlink():
                continue  # removed since the folder was listed
            size = 0  # a dangling link
        except OSError:
            size = 0
        yield InputFile(printable_name(entry.path), relative, size, entry.path)


def _uri(fs: Any, path: str) -> str:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return path if protocol in ("file", "local") else f"{protocol}://{path}"


def _read_capped(file: InputFile, settings: Settings) -> tuple[bytes, str] | Rejected:
    """At most max_file_bytes + 1 bytes of the file, and the sha256 of all of it."""
    try:
        if "://" in file.path:
            fs, path = open_root(file.path)
            with fs.open(path, "rb") as handle:
                return _read_and_hash(handle, settings.max_file_bytes)
        return _read_local(file, settings)
    except (OSError, InputRootError) as error:
        return _rejected(file, "read.unreadable", f"cannot read file: {error.strerror or error}")


def _read_and_hash(handle: Any, cap: int, size: int | None = None) -> tuple[bytes, str]:
    """Keep cap + 1 bytes; hash the rest in blocks, so an oversized file costs no memory.

    With the file's `size` known, a small file is read with a buffer of its size, not
    of the cap (the same bytes: reading on past `size` finds more only if it grew).
    """
    if size is not None and size < cap:
        kept = handle.read(size + 1)
        if len(kept) > size:
            kept += handle.read(cap - size)
    else:
        kept = handle.read(cap + 1)
    digest = hashlib.sha256(kept)
    if len(kept) > cap:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return kept, digest.hexdigest()


def _read_local(file: InputFile, settings: Settings) -> tuple[bytes, str] | Rejected:
    """Read a local file directly (fsspec would take '::' in a name for chaining).

    Opened without blocking and checked to be a regular file, so a FIFO or a device
    named like a page cannot hang or flood the run.
    """
    descriptor = os.open(file.path, os.O_RDONLY | os.O_NONBLOCK)
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        return _rejected(file, "read.not_a_file", "not a regular file (a FIFO, device or folder)")
    with os.fdopen(descriptor, "rb") as handle:
        return _read_and_hash(handle, settings.max_file_bytes, status.st_size)


def _inflate(file: InputFile, raw: bytes, settings: Settings) -> tuple[bytes, str] | Rejected:
    if len(raw) > settings.max_file_bytes:
        return _rejected(
            file,
            "read.too_large",
            f"file larger than max_file_bytes={settings.max_file_bytes}",
            raw,
        )
    name = file.relative.lower()
    if raw.startswith(_GZIP_MAGIC):
        cap = settings.max_decompressed_bytes
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
                inflated = stream.read(cap + 1)
        except (OSError, EOFError, zlib.error) as error:
            return _rejected(file, "read.bad_gzip", f"gzip data is damaged: {error}", raw)
        if len(inflated) > cap:
            return _rejected(
                file,
                "read.gzip_too_large",
                f"gzip expands past max_decompressed_bytes={cap}; reading stopped there",
                raw,
            )
        raw = inflated
        name = name.removesuffix(".gz")
    elif name.endswith(".gz") and raw.strip():
        found = detect_binary_type(raw) or ("binary" if looks_binary(raw) else "text")
        return _rejected(file, "read.not_gzip", f"named .gz but holds {found}, not gzip", raw)
    return raw, name


def sniff_format(name: str, head: bytes) -> str:
    """Tell 'html', 'jsonl', 'markdown' or 'text' by content first, name second."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith(_JSONL_NAMES):
        return "jsonl"
    if stripped.startswith(b"{"):
        first_line = stripped.split(b"\n", 1)[0]
        try:
            if isinstance(json.loads(first_line), dict):
                return "jsonl"
        except (ValueError, RecursionError):
            pass
    if stripped.startswith(b"---"):
        return "markdown"
    if _HTML_START.match(head) or len(_HTML_TAG.findall(head[:8192])) >= 3:
        return "html"
    if name.endswith(_HTML_NAMES):
        return "html"
    if name.endswith(_MARKDOWN_NAMES):
        return "markdown"
    if looks_like_markdown(stripped[:20000].decode("utf-8", errors="ignore")):
        return "markdown"
    return "text"


def read_file(file: InputFile, settings: Settings) -> tuple[str, Iterator[RawUnit | Rejected]]:
    """The sha256 of the file as stored ("" if unreadable) and its units."""
    read = _read_capped(file, settings)
    if isinstance(read, Rejected):
        return "", iter([read])
    raw, digest = read
    loaded = _inflate(file, raw, settings)
    # A file kept as stored (not inflated, within the cap) is its unit's payload.
    as_stored = not isinstance(loaded, Rejected) and loaded[0] is raw
    return digest, _units(file, loaded, settings, bytes.fromhex(digest) if as_stored else None)


def read_units(file: InputFile, settings: Settings) -> Iterator[RawUnit | Rejected]:
    """Every unit of one raw file, or one rejection saying why it could not be read."""
    return read_file(file, settings)[1]


def _units(
    file: InputFile,
    loaded: tuple[bytes, str] | Rejected,
    settings: Settings,
    raw_sha256: bytes | None,
) -> Iterator[RawUnit | Rejected]:
    if isinstance(loaded, Rejected):
        yield loaded
        return
    raw, name = loaded
    if not raw.strip():
        yield _rejected(file, "read.empty", "file is empty", raw)
        return
    found = detect_binary_type(raw)
    if found:
        inflated = raw_sha256 is None  # the payload is not the file as stored
        detail = f"{found} inside gzip" if inflated else found
        yield _rejected(file, "read.unsupported_type", detail, raw)
        return
    kind = sniff_format(name, raw[:65536])
    if kind == "jsonl":
        if looks_binary(raw):  # one row for the file, not one per "line" of junk
            detail = "named JSON Lines but not text: over 5% of its bytes are controls"
            yield _rejected(file, "read.binary", detail, raw)
            return
        yield from _jsonl_units(file, raw, settings)
        return
    if len(raw) > settings.max_unit_bytes:
        yield _rejected(
            file,
            "read.too_large",
            f"unit larger than max_unit_bytes={settings.max_unit_bytes}",
            raw,
        )
        return
    yield RawUnit(
        source_uri=file.uri,
        relative_uri=file.relative,
        source_format=kind,  # type: ignore[arg-type]
        content_format=kind,  # type: ignore[arg-type]
        payload=raw,
        payload_sha256=raw_sha256,
    )


def _jsonl_units(file: InputFile, raw: bytes, settings: Settings) -> Iterator[RawUnit | Rejected]:
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        uri, relative = f"{file.uri}#{number}", f"{file.relative}#{number}"
        if len(line) > settings.max_unit_bytes:
            yield Rejected(
                uri,
                "jsonl",
                "read",
                "read.too_large",
                f"record larger than max_unit_bytes={settings.max_unit_bytes}",
                line,
            )
            continue
        try:
            kind, content, fields = parse_record(line.decode("utf-8", errors="replace"))
        except BadRecord as error:
            reason, detail = error.args
            yield Rejected(uri, "jsonl", "read", reason, detail, line)
            continue
        if kind == "text" and looks_like_markdown(content):
            kind = "markdown"
        yield RawUnit(uri, relative, "jsonl", kind, content, fields)  # type: ignore[arg-type]


def _rejected(file: InputFile, reason: str, detail: str, payload: bytes = b"") -> Rejected:
    return Rejected(file.uri, "unknown", "read", reason, detail, payload)
