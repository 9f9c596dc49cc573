"""Snapshots: bytes a server would otherwise rebuild from other tables at every start, kept
with how much of the store they cover and their SHA-256 (checked on every read). A snapshot
is a cache: replacing one loses nothing, since it is made again from the tables it came from.

The geography's snapshot is its columns (domain.geography.columns), each a compressed array
behind one JSON header (`_pack`); ids joined by NUL, names as one UTF-8 buffer decoded one by one
when a unit is shown: loading a million units from it takes a fraction of a second where
reading and building them from their rows takes about 17 s."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
from sqlalchemy import Connection, delete, insert, select

from saylau.domain.geography.columns import UnitColumns
from saylau.store import tables as t

GEOGRAPHY = "geography"
_NAMES = ("name_kk", "name_ru", "name_en")
_FORMAT = 5
"""The layout of the geography's bytes; another one is made again, not read."""
_SEP = "\x00"
"""Unit ids are stored joined by NUL (split back at C speed); names, which may hold any
character but NUL too, as one UTF-8 buffer and where each ends."""
_ARRAYS = ("parent", "kind", "registered", "abroad")


@dataclass(frozen=True)
class Snapshot:
    name: str
    covers: int
    data: bytes


def read(conn: Connection, name: str) -> Snapshot | None:
    """The snapshot `name`, or None when there is none or its bytes do not match their hash
    (then it is made again)."""
    if conn.dialect.name == "postgresql":
        row = _read_binary(conn, name)
    else:
        found = conn.execute(select(t.snapshots.c.covers, t.snapshots.c.sha256,
                                    t.snapshots.c.data).where(t.snapshots.c.name == name)).first()
        row = None if found is None else (int(found[0]), str(found[1]), bytes(found[2]))
    if row is None:
        return None
    covers, sha256, data = row
    if hashlib.sha256(data).hexdigest() != sha256:
        return None
    return Snapshot(name, covers, data)


def _read_binary(conn: Connection, name: str) -> tuple[int, str, bytes] | None:
    """PostgreSQL: the row fetched in the binary protocol, on the transaction's own
    connection. The text protocol sends a bytea as hex and decodes it again: about three times
    as slow for the 100-170 MB of a million stations' snapshots (1.7 s against 0.5 s)."""
    raw: Any = conn.connection.dbapi_connection
    with raw.cursor(binary=True) as cur:
        cur.execute("SELECT covers, sha256, data FROM snapshots WHERE name = %s", (name,))
        found = cur.fetchone()
    return None if found is None else (int(found[0]), str(found[1]), bytes(found[2]))


def write(conn: Connection, name: str, covers: int, data: bytes) -> None:
    conn.execute(delete(t.snapshots).where(t.snapshots.c.name == name))
    conn.execute(insert(t.snapshots).values(name=name, covers=covers, data=data,
                                            sha256=hashlib.sha256(data).hexdigest()))


def encode_geography(cols: UnitColumns) -> bytes:
    arrays = {a: np.asarray(getattr(cols, a)) for a in _ARRAYS}
    texts = {"ids": _ids_column(cols.ids)}
    for a in _NAMES:
        values = [v.encode() for v in getattr(cols, a)]
        texts[a] = np.frombuffer(b"".join(values), dtype=np.uint8)
        texts[f"{a}.ends"] = np.cumsum([len(v) for v in values], dtype=np.int64)
    codes = {str(i): c for i, c in enumerate(cols.code) if c is not None}
    texts["code"] = _bytes(json.dumps(codes, ensure_ascii=False))
    return _pack({**arrays, **texts})


_MAGIC = b"saylau-snapshot\n"


def _pack(arrays: dict[str, np.ndarray]) -> bytes:
    """Arrays as one header (JSON: each array's dtype, shape, offset, size) and their bytes one
    after another, each compressed with zlib at its fastest level: the names and offsets of a
    million units shrink about twentyfold, so a snapshot travels from PostgreSQL in a fraction
    of the time and is hashed faster, for a tenth of a second of decompression. (.npz was the
    first choice: its zip checks every member's CRC and copies it on read.)"""
    spec: dict[str, list[Any]] = {}
    parts: list[bytes] = []
    offset = 0
    for name, a in arrays.items():
        raw = zlib.compress(np.ascontiguousarray(a).tobytes(), 1)
        spec[name] = [a.dtype.str, list(a.shape), offset, len(raw)]
        parts.append(raw)
        offset += len(raw)
    head = json.dumps({"format": _FORMAT, "arrays": spec}).encode()
    return b"".join([_MAGIC, len(head).to_bytes(8, "big"), head, *parts])


def _unpack(data: bytes) -> dict[str, np.ndarray] | None:
    """The arrays (read-only), or None for bytes of another layout."""
    if not data.startswith(_MAGIC):
        return None
    at = len(_MAGIC)
    size = int.from_bytes(data[at:at + 8], "big")
    try:
        head = json.loads(data[at + 8:at + 8 + size])
    except ValueError:
        return None
    if not isinstance(head, dict) or head.get("format") != _FORMAT:
        return None
    body = memoryview(data)[at + 8 + size:]
    out = {}
    try:
        for name, (dtype, shape, offset, nbytes) in head["arrays"].items():
            raw = zlib.decompress(body[offset:offset + nbytes])
            out[name] = np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape)
    except (zlib.error, ValueError, TypeError):
        return None
    return out


def _bytes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode(), dtype=np.uint8)


def _ids_column(ids: Sequence[str]) -> np.ndarray:
    """Unit ids joined by NUL: a stored id is printable (domain.limits, checked where units
    enter), so none holds one."""
    joined = _SEP.join(ids)
    if joined.count(_SEP) != max(len(ids) - 1, 0):
        raise ValueError("ids: expected printable ids, got one holding a NUL character")
    return _bytes(joined)


class _Texts(Sequence[str]):
    """Texts kept as one UTF-8 buffer and where each ends, each decoded when asked for: a
    million names are not decoded at a start that shows a few of them."""

    def __init__(self, buf: np.ndarray, ends: np.ndarray) -> None:
        self._buf, self._ends = buf, ends

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        i = i if i >= 0 else len(self) + i
        start = int(self._ends[i - 1]) if i > 0 else 0
        return self._buf[start:int(self._ends[i])].tobytes().decode()


def _texts(raw: np.ndarray) -> list[str]:
    return raw.tobytes().decode().split(_SEP)


def decode_geography(data: bytes) -> UnitColumns | None:
    """The columns, or None when the bytes are of another format than this code writes (the
    snapshot is then made again)."""
    z = _unpack(data)
    if z is None:
        return None
    ids = _texts(z["ids"])
    code: list[str | None] = [None] * len(ids)
    for i, c in json.loads(z["code"].tobytes().decode()).items():
        code[int(i)] = c
    return UnitColumns(
        ids=ids, name_kk=_names(z, "name_kk"), name_ru=_names(z, "name_ru"),
        name_en=_names(z, "name_en"), code=code, parent=z["parent"], kind=z["kind"],
        registered=z["registered"], abroad=z["abroad"])


def _names(z: dict[str, np.ndarray], column: str) -> _Texts:
    return _Texts(z[column], z[f"{column}.ends"])


def results_name(contest: str) -> str:
    """The snapshot of a contest's station table (services.results)."""
    return f"results:{contest}"


def encode_table(options: tuple[str, ...], data: np.ndarray) -> bytes:
    return _pack({"data": np.asarray(data, dtype=np.int64),
                  "options": _bytes(json.dumps(list(options), ensure_ascii=False))})


def decode_table(data: bytes) -> tuple[tuple[str, ...], np.ndarray] | None:
    """A contest's station table and its options, or None when the bytes are not of this
    code's format."""
    z = _unpack(data)
    if z is None:
        return None
    return tuple(json.loads(z["options"].tobytes().decode())), np.array(z["data"])
