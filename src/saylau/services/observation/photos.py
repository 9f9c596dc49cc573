"""Photos attached to incidents and protocol copies: images only (PNG or JPEG, known by their
first bytes, never by a name or a declared type), at most MAX_BYTES, with their metadata
stripped (EXIF, XMP, IPTC, comments, text chunks: a photo's EXIF can hold the observer's
position and camera serial), stored under the SHA-256 of the stripped bytes.

Pillow is not installed in this project, so the two formats' container structure is walked
here (the JPEG marker segments of ITU-T T.81 Annex B; the PNG chunks of ISO/IEC 15948 §5),
enough to drop the metadata segments and to refuse a file whose structure is broken; the
image data itself is copied as it is, never decoded. (A service, not the domain: zlib checks
the PNG chunks' CRCs.)
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass

from saylau.domain.errors import TooLarge, ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SOI = b"\xff\xd8"
_PNG_DROP = frozenset({b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"})
_JPEG_DROP = frozenset({0xE1, 0xED, 0xFE})
"""APP1 (EXIF, XMP), APP13 (IPTC), COM (comments)."""


@dataclass(frozen=True, slots=True)
class Photo:
    media_type: str
    data: bytes
    """The stripped bytes."""
    sha256: str
    removed: int
    """Metadata segments removed."""


def _bad(message: str, actual: object) -> ValidationFailed:
    return ValidationFailed(f"the photo is refused: {message}", code="photo_invalid",
                            details={"field": "photo", "expected": "a PNG or JPEG image",
                                     "actual": actual})


def _strip_png(data: bytes) -> tuple[bytes, int]:
    out, pos, removed, first = [PNG_SIGNATURE], 8, 0, True
    while True:
        if pos + 12 > len(data):
            raise _bad("the PNG ends inside a chunk", f"{len(data)} bytes")
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise _bad(f"PNG chunk {kind!r} runs past the end of the file", length)
        (crc,) = struct.unpack(">I", data[end - 4:end])
        if zlib.crc32(data[pos + 4:end - 4]) != crc:
            raise _bad(f"PNG chunk {kind!r} has a wrong checksum", kind.decode("latin-1"))
        if first and kind != b"IHDR":
            raise _bad("a PNG starts with its IHDR chunk", kind.decode("latin-1"))
        first = False
        if kind in _PNG_DROP:
            removed += 1
        else:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out), removed


def _strip_jpeg(data: bytes) -> tuple[bytes, int]:
    out, pos, removed = [JPEG_SOI], 2, 0
    while True:
        if pos + 2 > len(data) or data[pos] != 0xFF:
            raise _bad("the JPEG's segments are broken", f"byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(data[pos:pos + 2])
            pos += 2
            continue
        if marker == 0xD9:
            raise _bad("the JPEG has no image data", "EOI before SOS")
        if pos + 4 > len(data):
            raise _bad("the JPEG ends inside a segment", f"{len(data)} bytes")
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise _bad("a JPEG segment runs past the end of the file", length)
        if marker in _JPEG_DROP:
            removed += 1
        else:
            out.append(data[pos:end])
        pos = end
        if marker == 0xDA:  # start of scan: the image data follows up to EOI
            rest = data[pos:]
            if not rest.endswith(b"\xff\xd9"):
                raise _bad("the JPEG does not end with its end-of-image marker",
                           rest[-2:].hex())
            out.append(rest)
            return b"".join(out), removed


def accept_photo(data: bytes, limit: int = MAX_BYTES) -> Photo:
    """The photo stripped of its metadata, or the refusal naming why."""
    if len(data) > limit:
        raise TooLarge(f"the photo has {len(data):,} bytes; at most {limit:,}",
                       details={"field": "photo", "expected": f"at most {limit:,} bytes",
                                "actual": len(data)})
    if data.startswith(PNG_SIGNATURE):
        media, (clean, removed) = "image/png", _strip_png(data)
    elif data.startswith(JPEG_SOI + b"\xff"):
        media, (clean, removed) = "image/jpeg", _strip_jpeg(data)
    else:
        raise _bad("it is neither a PNG nor a JPEG image (by its first bytes)",
                   data[:8].hex() or "empty")
    return Photo(media, clean, hashlib.sha256(clean).hexdigest(), removed)
