"""Snapshots: bytes a server would otherwise rebuild from other tables at every start, kept
with how much of the store they cover and their SHA-256 (checked on every read). A snapshot
is a cache: replacing one loses nothing, since it is made again from the tables it came from.

The geography's snapshot is its columns (domain.geography.columns) in numpy's .npz format,
the texts as JSON arrays: loading a million units from it takes a fraction of a second where
reading and building them from their rows takes about 17 s."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, delete, insert, select

from saylau.domain.geography.columns import UnitColumns
from saylau.store import tables as t

GEOGRAPHY = "geography"
_TEXTS = ("ids", "name_kk", "name_ru", "name_en")
_FORMAT = 1
"""The layout of the geography's bytes; another one is made again, not read."""
_SEP = "\x00"
"""Texts are stored joined by NUL (split back at C speed); a column where some text holds a
NUL is stored as a JSON array instead."""
_ARRAYS = ("parent", "kind", "registered", "abroad")


@dataclass(frozen=True)
class Snapshot:
    name: str
    covers: int
    data: bytes


def read(conn: Connection, name: str) -> Snapshot | None:
    """The snapshot `name`, or None when there is none or its bytes do not match their hash
    (then it is made again)."""
    row = conn.execute(select(t.snapshots).where(t.snapshots.c.name == name)).first()
    if row is None:
        return None
    data = bytes(row.data)
    if hashlib.sha256(data).hexdigest() != row.sha256:
        return None
    return Snapshot(row.name, int(row.covers), data)


def write(conn: Connection, name: str, covers: int, data: bytes) -> None:
    conn.execute(delete(t.snapshots).where(t.snapshots.c.name == name))
    conn.execute(insert(t.snapshots).values(name=name, covers=covers, data=data,
                                            sha256=hashlib.sha256(data).hexdigest()))


def encode_geography(cols: UnitColumns) -> bytes:
    out = io.BytesIO()
    arrays = {a: np.asarray(getattr(cols, a)) for a in _ARRAYS}
    texts = {a: _text_column(getattr(cols, a)) for a in _TEXTS}
    codes = {str(i): c for i, c in enumerate(cols.code) if c is not None}
    texts["code"] = _bytes(json.dumps(codes, ensure_ascii=False))
    np.savez(out, allow_pickle=False, format=np.array([_FORMAT]), **arrays, **texts)
    return out.getvalue()


def _bytes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode(), dtype=np.uint8)


def _text_column(values: list[str]) -> np.ndarray:
    if any(_SEP in v for v in values):
        return _bytes("J" + json.dumps(list(values), ensure_ascii=False))
    return _bytes("S" + _SEP.join(values))


def _texts(raw: np.ndarray) -> list[str]:
    text = raw.tobytes().decode()
    if text[:1] == "J":
        return list(json.loads(text[1:]))
    return text[1:].split(_SEP)


def decode_geography(data: bytes) -> UnitColumns | None:
    """The columns, or None when the bytes are of another format than this code writes (the
    snapshot is then made again)."""
    try:
        z = np.load(io.BytesIO(data), allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile):  # not an .npz of this code's
        return None
    with z:
        if "format" not in z.files or int(z["format"][0]) != _FORMAT:
            return None
        ids = _texts(z["ids"])
        code: list[str | None] = [None] * len(ids)
        for i, c in json.loads(z["code"].tobytes().decode()).items():
            code[int(i)] = c
        return UnitColumns(
            ids=ids, name_kk=_texts(z["name_kk"]), name_ru=_texts(z["name_ru"]),
            name_en=_texts(z["name_en"]), code=code, parent=z["parent"], kind=z["kind"],
            registered=z["registered"], abroad=z["abroad"])
