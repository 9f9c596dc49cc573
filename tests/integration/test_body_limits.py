"""Oversized bodies are refused early: 413 in the error envelope, naming the limit, without the
server reading the rest of the body.

Two limits (api/limits.py, api/bodies.py): JSON bodies at most MAX_JSON_BODY (8 MiB, the BodyLimit
middleware), the CSV imports (geography, protocols) at most MAX_BODY (64 MiB, read as they
stream). Each is tried declared (a Content-Length over the limit, the body never sent) and
streamed (chunked, no length, more than the limit and never finished), in-process (an ASGI
receive that counts what the app pulled) and over a real socket to uvicorn. SQLite only: the
limits are the API's, not the store's.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from saylau.api.app import MAX_BODY
from saylau.api.limits import MAX_JSON_BODY
from saylau.domain.contests import QUESTION_2022
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography
from tests.conftest import small_country
from tests.integration.support import Api, make_api, serving

CHUNK = 1 << 20
PROTOCOLS = "/api/contests/ref.referendum/protocols"
ROUTES = [  # (path, content type, limit)
    (PROTOCOLS, "application/json", MAX_JSON_BODY),
    ("/api/elections/referendum", "application/json", MAX_JSON_BODY),
    ("/api/contests/ref.referendum/protocols/import", "text/csv", MAX_BODY),
    ("/api/geography", "text/csv", MAX_BODY),
]


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    store = Saylau.open(f"sqlite:///{tmp_path / 'limits.db'}")
    load_geography(store, small_country())
    create_referendum(store, election_id="ref", name=Names.same("R"), ruleset_name="kz-2022",
                      date="2022-06-05", question=QUESTION_2022, constitutional=True,
                      by=ActorId("test"))
    api = make_api(store, "ref.referendum")
    with api.client:
        yield api
    store.engine.dispose()


def _check_refusal(status: int, body: bytes, limit: int) -> None:
    assert status == 413, body[:300]
    err = json.loads(body)["error"]
    assert err["code"] == "too_large"
    assert f"{limit:,}" in err["message"], err
    assert err["details"]["field"] == "body"
    assert err["details"]["expected"] == f"<= {limit} bytes"
    assert err["details"]["actual"] > limit


# --- in-process: what the app pulls from the stream ------------------------------------------


def _asgi(api: Api, path: str, content_type: str, *, declared: int | None,
          offered: int) -> tuple[int, bytes, int]:
    """POST to the app itself: a body of `offered` bytes in 1 MiB chunks (a Content-Length of
    `declared` when given, else none, as with chunked transfer). Returns the status, the
    response body, and how many body bytes the app pulled."""
    headers = [(b"content-type", content_type.encode()),
               (b"authorization", api.auth("admin")["Authorization"].encode())]
    if declared is not None:
        headers.append((b"content-length", str(declared).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "root_path": "", "query_string": b"", "headers": headers,
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    pulled = 0
    sent: list[dict[str, Any]] = []
    chunk = b"x" * CHUNK

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= offered:
            return {"type": "http.disconnect"}
        pulled += CHUNK
        return {"type": "http.request", "body": chunk, "more_body": pulled < offered}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # in a thread of its own: when the browser tests ran first in this session, Playwright's
    # sync API keeps an event loop running in the main thread, where asyncio.run refuses
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, api.client.app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, pulled


@pytest.mark.parametrize(("path", "content_type", "limit"), ROUTES)
def test_a_declared_length_over_the_limit_is_refused_before_any_byte(
    api: Api, path: str, content_type: str, limit: int
) -> None:
    status, body, pulled = _asgi(api, path, content_type, declared=limit + 1,
                                 offered=limit + CHUNK)
    _check_refusal(status, body, limit)
    assert pulled == 0


@pytest.mark.parametrize(("path", "content_type", "limit"), ROUTES)
def test_a_stream_over_the_limit_is_cut_off_at_the_limit(
    api: Api, path: str, content_type: str, limit: int
) -> None:
    """No length: the app counts as it reads and stops one chunk past the limit, however much
    more the client would send (here four times the limit)."""
    status, body, pulled = _asgi(api, path, content_type, declared=None, offered=4 * limit)
    _check_refusal(status, body, limit)
    assert limit < pulled <= limit + CHUNK


def test_a_body_just_under_the_limit_is_read_and_judged(api: Api) -> None:
    """The limit is no lower than it says: a JSON body of the limit's size is read whole and
    refused for what it is (not JSON), not for its size."""
    status, body, pulled = _asgi(api, PROTOCOLS, "application/json", declared=MAX_JSON_BODY,
                                 offered=MAX_JSON_BODY)
    assert status == 422, body[:300]
    assert pulled == MAX_JSON_BODY
    assert json.loads(body)["error"]["code"] == "request_invalid"


# --- over a real socket ---------------------------------------------------------------------


def _exchange(url: str, head: bytes, chunks: Iterator[bytes]) -> bytes:
    """Send `head`, then `chunks` from a second thread (stopping when the server closes),
    while this thread reads the answer until the server closes the connection."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=60)  # a hang guard only
    sock.sendall(head)

    def pour() -> None:
        try:
            for c in chunks:
                sock.sendall(c)
        except OSError:
            pass  # the server answered and closed: the rest is not wanted

    sender = threading.Thread(target=pour, daemon=True)
    sender.start()
    answer = b""
    try:
        while b"\r\n\r\n" not in answer or len(answer) < _length(answer):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    finally:
        sock.close()
        sender.join(timeout=60)
    return answer


def _length(answer: bytes) -> int:
    head, _, _ = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(head) + 4 + int(value)
    return len(answer) + 1


def _status_and_body(answer: bytes) -> tuple[int, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


def _head(api: Api, path: str, content_type: str, length: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Authorization: {api.auth('admin')['Authorization']}\r\n{length}\r\n").encode()


@pytest.mark.parametrize(("path", "content_type", "limit"), ROUTES)
def test_uvicorn_refuses_a_declared_length_without_waiting_for_the_body(
    api: Api, path: str, content_type: str, limit: int
) -> None:
    """Only the headers are sent: the answer comes all the same (a server that waited for the
    body would never answer, and the read would hit the hang guard)."""
    with serving(api.client.app) as url:  # type: ignore[arg-type]
        answer = _exchange(url, _head(api, path, content_type,
                                      f"Content-Length: {limit + 1}\r\n"), iter(()))
    _check_refusal(*_status_and_body(answer), limit)


@pytest.mark.parametrize(("path", "content_type", "limit"), ROUTES)
def test_uvicorn_cuts_off_a_chunked_upload_over_the_limit(
    api: Api, path: str, content_type: str, limit: int
) -> None:
    """A chunked upload of the limit and one more chunk, never finished (no last chunk): the
    server answers 413 without waiting for an end that never comes."""
    piece = b"y" * (256 << 10)
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    n = limit // len(piece) + 2
    with serving(api.client.app) as url:  # type: ignore[arg-type]
        answer = _exchange(url, _head(api, path, content_type,
                                      "Transfer-Encoding: chunked\r\n"), iter([chunk] * n))
    _check_refusal(*_status_and_body(answer), limit)
