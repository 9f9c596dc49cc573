"""Request bodies that are files (CSV imports): read as a stream and refused early (413) past
MAX_BODY, and documented as text/csv in the OpenAPI schema. JSON bodies have their own,
smaller limit, enforced before any route runs (api/limits.py)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from saylau.domain.errors import TooLarge

MAX_BODY = 64 * 1024 * 1024

CSV_OUT: dict[int | str, dict[str, Any]] = {
    200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
CSV_BODY = {"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}},
                            "required": True}}


class PayloadTooLarge(TooLarge):
    def __init__(self, size: int) -> None:
        super().__init__(
            f"the body is {size:,} bytes; at most {MAX_BODY:,} are accepted",
            details={"field": "body", "expected": f"<= {MAX_BODY} bytes", "actual": size},
        )


async def read_body(request: Request) -> bytes:
    """The request body, refused early (413) when it is larger than MAX_BODY."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise PayloadTooLarge(int(declared))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise PayloadTooLarge(size)
        chunks.append(chunk)
    return b"".join(chunks)
