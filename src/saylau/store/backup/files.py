"""Files a backup or a restore writes: new files only (never over an existing one), made
durable (fsync of the file and of its directory), and their SHA-256."""

from __future__ import annotations

import hashlib
import os
from contextlib import suppress
from pathlib import Path

from saylau.domain.errors import Conflict

CHUNK = 1 << 20


def sha256(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    with suppress(OSError):  # not every file system lets a directory be synced
        fsync(path)


def link_new(src: Path, dst: Path) -> None:
    """Give `src` the name `dst`, failing (never replacing) when `dst` exists."""
    try:
        os.link(src, dst)
    except FileExistsError:
        raise Conflict(f"{dst} appeared meanwhile; nothing is overwritten",
                       code="backup_exists",
                       details={"field": "path", "expected": "a path where nothing is",
                                "actual": str(dst)}) from None
    src.unlink()
    fsync_dir(dst.parent)


def write_new(path: Path, data: bytes, mode: int) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise Conflict(f"{path} already exists; nothing is overwritten", code="backup_exists",
                       details={"field": "path", "expected": "a path where nothing is",
                                "actual": str(path)}) from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


__all__ = ["CHUNK", "fsync", "fsync_dir", "link_new", "sha256", "write_new"]
