"""Replace a few columns of a Parquet file without decoding or encoding the others.

Publishing a day sets three small columns of every article (its story labels) in part
files whose bulk is text. Decoding and compressing the text again costs more than the
rest of the publish together, and gives the same bytes back, so `replace_columns`
copies the other column chunks byte for byte: a Parquet page holds no file offsets,
only the footer does. The new columns are written by pyarrow into a small file of the
same row groups, their chunks are copied in, and the footer (Thrift compact protocol)
is written again with the offsets moved. The result is an ordinary Parquet file: the
same schema, row groups and values as pyarrow would write, readable by any reader.
Only the footers pass through this process: the copied chunks go from file to file in
the kernel (`os.copy_file_range`; read and written where the system cannot do that).

A file this does not handle (encrypted, with page indexes or Bloom filters, or a
column to replace that is nested or of another type) is left alone: the caller
rewrites it the ordinary way.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

MAGIC = b"PAR1"

# Thrift compact protocol types.
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE = 0, 1, 2, 3, 4, 5, 6, 7
_BINARY, _LIST, _SET, _MAP, _STRUCT, _UUID = 8, 9, 10, 11, 12, 13

# Field ids of the Parquet footer (parquet.thrift) that are read or moved here.
_ROW_GROUPS = 4  # FileMetaData.row_groups
_COLUMNS, _GROUP_BYTES, _GROUP_OFFSET, _GROUP_COMPRESSED = 1, 2, 5, 6  # RowGroup
_FILE_PATH, _CHUNK_OFFSET, _META = 1, 2, 3  # ColumnChunk
_CHUNK_UNHANDLED = (4, 5, 6, 7, 8, 9)  # page indexes, encryption
_UNCOMPRESSED, _COMPRESSED = 6, 7  # ColumnMetaData sizes
_PAGE_OFFSETS = (9, 10, 11)  # ColumnMetaData: data, index and dictionary page offsets
_BLOOM_FILTER = 14  # ColumnMetaData.bloom_filter_offset

Struct = dict[int, tuple[int, Any]]


def replace_columns(source: Path, target: Path, columns: dict[str, pa.Array]) -> bool:
    """Write `target` as `source` with its top-level columns named in `columns` holding
    these values instead (one per row, same types); the other columns' chunks are
    copied as they are. False, and no `target`, when the file is one this cannot
    patch."""
    handle = pq.ParquetFile(source)
    metadata = handle.metadata
    leaves = [metadata.schema.column(index).path for index in range(metadata.num_columns)]
    schema = handle.schema_arrow
    for name, values in columns.items():
        if name not in leaves or schema.field(name).type != values.type:
            return False  # nested, absent or of another type
        if len(values) != metadata.num_rows:
            raise ValueError(f"{len(values)} values for the {metadata.num_rows} rows of {source}")
    footer = _footer(_ends(Path(source)))
    sizes = [metadata.row_group(index).num_rows for index in range(metadata.num_row_groups)]
    if footer is None or not sizes or not all(sizes):
        return False
    patch = _written(columns, schema, sizes, metadata.row_group(0).column(0).compression)
    patch_footer = _footer(patch)
    if patch_footer is None or not _same_leaves(metadata, patch, list(columns)):
        return False
    patch_groups = _items(patch_footer, _ROW_GROUPS)
    if len(patch_groups) != len(sizes):
        return False
    patch_index = {name: position for position, name in enumerate(columns)}
    pieces: list[tuple[bool, int, int]] = []  # (from the patch, start, length), in order
    position = len(MAGIC)
    for group, patch_group in zip(_items(footer, _ROW_GROUPS), patch_groups, strict=True):
        chunks = _items(group, _COLUMNS)
        replaced = _items(patch_group, _COLUMNS)
        new_chunks = []
        for leaf, chunk in zip(leaves, chunks, strict=True):
            new = replaced[patch_index[leaf]] if leaf in patch_index else chunk
            moved = _moved(new, position)
            if moved is None:
                return False
            new_chunk, start, length = moved
            pieces.append((leaf in patch_index, start, length))
            position += length
            new_chunks.append(new_chunk)
        _move_group(group, chunks, new_chunks)
    encoded = _Writer()
    encoded.struct(footer)
    encoded.out += len(encoded.out).to_bytes(4, "little") + MAGIC
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(source, "rb") as reader, open(temporary, "wb", buffering=0) as writer:
            _write_all(writer.fileno(), MAGIC)
            view = memoryview(patch)
            for from_patch, start, length in _joined(pieces):
                if from_patch:
                    _write_all(writer.fileno(), view[start : start + length])
                else:
                    _copy_range(reader.fileno(), writer.fileno(), start, length)
            _write_all(writer.fileno(), encoded.out)
    except ValueError:  # the source is shorter than its footer says
        temporary.unlink(missing_ok=True)
        return False
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, target)
    return True


def _ends(path: Path) -> bytes:
    """A file's first four bytes and its footer with the eight bytes after it: what
    `_footer` reads, without the column chunks between (b"" if the file is too short)."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size < 12:
            return b""
        head = handle.read(len(MAGIC))
        handle.seek(size - 8)
        end = handle.read(8)
        length = int.from_bytes(end[:4], "little")
        if length > size - 12:
            return b""
        handle.seek(size - 8 - length)
        return head + handle.read(length) + end


def _joined(pieces: list[tuple[bool, int, int]]) -> list[tuple[bool, int, int]]:
    """Pieces that follow each other in the same file, as one piece."""
    joined: list[tuple[bool, int, int]] = []
    for from_patch, start, length in pieces:
        if joined:
            last_patch, last_start, last_length = joined[-1]
            if last_patch == from_patch and last_start + last_length == start:
                joined[-1] = (from_patch, last_start, last_length + length)
                continue
        joined.append((from_patch, start, length))
    return joined


def _copy_range(source: int, target: int, start: int, length: int) -> None:
    """Append `length` bytes of the open file `source`, from `start`, to `target`: copied
    by the kernel where it can (copy_file_range: no pass through this process's memory),
    else read and written a MiB at a time. Raises ValueError if `source` ends first."""
    copy = getattr(os, "copy_file_range", None)
    while length > 0:
        done = 0
        if copy is not None:
            try:
                done = copy(source, target, length, start)
            except OSError:  # not between these files: read and written instead
                copy = None
        if not done:
            data = os.pread(source, min(length, 1 << 20), start)
            if not data:
                raise ValueError("a column chunk runs past the end of its file")
            _write_all(target, data)
            done = len(data)
        start += done
        length -= done


def _write_all(target: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while len(view):
        view = view[os.write(target, view) :]


def _written(
    columns: dict[str, pa.Array], schema: pa.Schema, sizes: list[int], compression: str
) -> bytes:
    """The new columns as a Parquet file of row groups of `sizes` rows."""
    table = pa.table(columns, schema=pa.schema([schema.field(name) for name in columns]))
    buffer = io.BytesIO()
    with pq.ParquetWriter(buffer, table.schema, compression=compression.lower()) as writer:
        at = 0
        for size in sizes:
            writer.write_table(table.slice(at, size), row_group_size=size)
            at += size
    return buffer.getvalue()


def _same_leaves(metadata: pq.FileMetaData, patch: bytes, names: list[str]) -> bool:
    """Whether the new columns' chunks are of the kind the file's schema declares them
    (physical and logical type, required or optional), so its footer describes them."""
    found = pq.ParquetFile(pa.BufferReader(patch)).metadata.schema
    declared = metadata.schema
    paths = [declared.column(index).path for index in range(len(declared))]
    for position, name in enumerate(names):
        old, new = declared.column(paths.index(name)), found.column(position)
        kinds = [
            (leaf.physical_type, leaf.logical_type.to_json(), leaf.max_definition_level)
            for leaf in (old, new)
        ]
        if kinds[0] != kinds[1]:
            return False
    return True


def _footer(data: bytes) -> Struct | None:
    """The FileMetaData of a whole Parquet file, None if it is not a plain one (or holds
    what this reader does not know)."""
    if len(data) < 12 or data[:4] != MAGIC or data[-4:] != MAGIC:
        return None  # an encrypted footer ends in PARE
    length = int.from_bytes(data[-8:-4], "little")
    try:
        return _Reader(data[-8 - length : -8]).struct()
    except (IndexError, ValueError):
        return None


def _items(struct: Struct, field: int) -> list[Any]:
    """The items of a list field."""
    return struct[field][1][1]


def _moved(chunk: Struct, position: int) -> tuple[Struct, int, int] | None:
    """A column chunk put at `position` of the new file: its ColumnChunk with the offsets
    moved, and where its bytes start in its file and how many they are; None if it has
    what this does not handle."""
    if any(field in chunk for field in (_FILE_PATH, *_CHUNK_UNHANDLED)) or _META not in chunk:
        return None
    meta = chunk[_META][1]
    if _BLOOM_FILTER in meta:
        return None
    start, length = _start(meta), meta[_COMPRESSED][1]
    shift = position - start
    moved = {
        field: (kind, value + shift if field in _PAGE_OFFSETS and value > 0 else value)
        for field, (kind, value) in meta.items()
    }
    new = dict(chunk)
    new[_META] = (_STRUCT, moved)
    if chunk.get(_CHUNK_OFFSET, (0, 0))[1]:  # deprecated; 0 when the writer left it unset
        new[_CHUNK_OFFSET] = (_I64, chunk[_CHUNK_OFFSET][1] + shift)
    return new, start, length


def _move_group(group: Struct, old: list[Struct], new: list[Struct]) -> None:
    """Put the new chunks into a RowGroup, with its offset and sizes to match."""

    def total(chunks: list[Struct], field: int) -> int:
        return sum(chunk[_META][1][field][1] for chunk in chunks)

    kind, (element, _chunks) = group[_COLUMNS]
    group[_COLUMNS] = (kind, (element, new))
    for field, size in ((_GROUP_BYTES, _UNCOMPRESSED), (_GROUP_COMPRESSED, _COMPRESSED)):
        if field in group:
            value = group[field][1] + total(new, size) - total(old, size)
            group[field] = (group[field][0], value)
    if _GROUP_OFFSET in group:
        group[_GROUP_OFFSET] = (group[_GROUP_OFFSET][0], _start(new[0][_META][1]))


def _start(meta: Struct) -> int:
    """Where a column chunk starts: its first page (a dictionary page comes first)."""
    return min(meta[field][1] for field in _PAGE_OFFSETS if field in meta and meta[field][1] > 0)


class _Reader:
    """Thrift compact protocol, decoded into plain values: a struct is {field id: (type,
    value)}, a list or set (element type, items), a map (key type, value type, pairs);
    doubles and UUIDs stay bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def byte(self) -> int:
        value = self.data[self.at]
        self.at += 1
        return value

    def varint(self) -> int:
        result = shift = 0
        while True:
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def raw(self, length: int) -> bytes:
        value = self.data[self.at : self.at + length]
        if len(value) != length:
            raise ValueError("truncated Parquet footer")
        self.at += length
        return value

    def struct(self) -> Struct:
        fields: Struct = {}
        last = 0
        while True:
            header = self.byte()
            if header == _STOP:
                return fields
            kind, delta = header & 0x0F, header >> 4
            field = last + delta if delta else self.zigzag()
            if kind in (_TRUE, _FALSE):
                fields[field] = (_TRUE, kind == _TRUE)
            else:
                fields[field] = (kind, self.value(kind))
            last = field

    def value(self, kind: int) -> Any:
        if kind == _BYTE:
            return self.byte()
        if kind in (_I16, _I32, _I64):
            return self.zigzag()
        if kind == _DOUBLE:
            return self.raw(8)
        if kind == _UUID:
            return self.raw(16)
        if kind == _BINARY:
            return self.raw(self.varint())
        if kind in (_LIST, _SET):
            header = self.byte()
            size, element = header >> 4, header & 0x0F
            if size == 15:
                size = self.varint()
            if element in (_TRUE, _FALSE):
                return element, [self.byte() == _TRUE for _ in range(size)]
            return element, [self.value(element) for _ in range(size)]
        if kind == _MAP:
            size = self.varint()
            if not size:
                return _BYTE, _BYTE, []
            types = self.byte()
            key, item = types >> 4, types & 0x0F
            return key, item, [(self.value(key), self.value(item)) for _ in range(size)]
        if kind == _STRUCT:
            return self.struct()
        raise ValueError(f"unknown Thrift type {kind} in a Parquet footer")


class _Writer:
    """Thrift compact protocol, encoding what `_Reader` decodes."""

    def __init__(self) -> None:
        self.out = bytearray()

    def varint(self, value: int) -> None:
        while value > 0x7F:
            self.out.append((value & 0x7F) | 0x80)
            value >>= 7
        self.out.append(value)

    def zigzag(self, value: int) -> None:
        self.varint((value << 1) ^ (value >> 63))

    def struct(self, fields: Struct) -> None:
        last = 0
        for field, (kind, value) in fields.items():
            wire = (_TRUE if value else _FALSE) if kind == _TRUE else kind
            if 0 < field - last <= 15:
                self.out.append((field - last) << 4 | wire)
            else:
                self.out.append(wire)
                self.zigzag(field)
            if kind != _TRUE:
                self.value(kind, value)
            last = field
        self.out.append(_STOP)

    def value(self, kind: int, value: Any) -> None:
        if kind == _BYTE:
            self.out.append(value)
        elif kind in (_I16, _I32, _I64):
            self.zigzag(value)
        elif kind in (_DOUBLE, _UUID):
            self.out += value
        elif kind == _BINARY:
            self.varint(len(value))
            self.out += value
        elif kind in (_LIST, _SET):
            element, items = value
            if len(items) < 15:
                self.out.append(len(items) << 4 | element)
            else:
                self.out.append(0xF0 | element)
                self.varint(len(items))
            for item in items:
                if element in (_TRUE, _FALSE):
                    self.out.append(_TRUE if item else _FALSE)
                else:
                    self.value(element, item)
        elif kind == _MAP:
            key, item, pairs = value
            self.varint(len(pairs))
            if pairs:
                self.out.append(key << 4 | item)
                for pair_key, pair_value in pairs:
                    self.value(key, pair_key)
                    self.value(item, pair_value)
        elif kind == _STRUCT:
            self.struct(value)
        else:
            raise ValueError(f"unknown Thrift type {kind}")
