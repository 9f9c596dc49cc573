"""Bearer tokens: issued by `saylau token create`, stored as SHA-256 hashes only.

A token is 32 random bytes (urlsafe base64), shown once at creation. The database keeps its
SHA-256: a leaked database does not leak usable tokens (they are random, so a plain hash is
enough; no password-style stretching is needed).

Every token expires (DEFAULT_TTL unless asked otherwise, at most MAX_TTL) and can be revoked;
both are checked on every request against the database, so a revocation takes effect at once.
Issuing and revoking are entries of the admin log (services.logs, services.admin_log), which
never holds the token or its hash.

A token is bound to its signed admin log entry: the row names the entry (`admin_log_leaf`),
and the entry holds the token's name, role, scope, expiry and `fingerprint` (a hash of the
stored hash, from which nothing usable follows). Every use checks the row against the entry,
and against the revocations the admin log records, so a token edited in the database
(`update tokens set role='admin'`, a longer expiry, another token's hash, a revocation undone)
is refused (401 `token_tampered`); the admin log's verification and a restore report it
(`entry_problems`, `token_problems`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from saylau.domain.access import PARTY_SCOPED_ROLES, SCOPED_ROLES, Principal, Role
from saylau.domain.errors import NotFound, Unauthorized, ValidationFailed
from saylau.domain.ids import ActorId, UnitId
from saylau.domain.limits import check_actor
from saylau.domain.lookup import unknown
from saylau.domain.record.merkle import leaf_hash
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.store import admin_log as admin_log_store
from saylau.store import tokens as token_store
from saylau.store.admin_log import ENTRY_TYPE
from saylau.store.tokens import NewToken, StoredToken

TOKEN_PREFIX = "sl_"  # noqa: S105 - a visible prefix of issued tokens, not a secret
DEFAULT_TTL = timedelta(days=3)
"""A token's life unless asked otherwise: the eve, the day and the night of an election."""
MAX_TTL = timedelta(days=90)


def check_ttl(ttl: timedelta) -> timedelta:
    if not timedelta(minutes=1) <= ttl <= MAX_TTL:
        raise ValidationFailed(
            f"a token lives between a minute and {MAX_TTL.days} days, not {ttl}",
            details={"field": "ttl", "expected": f"1 minute..{MAX_TTL.days} days",
                     "actual": str(ttl)})
    return ttl


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def fingerprint(token_hash: str) -> str:
    """What a token's admin log entry holds of it: SHA-256 of a label and the token's stored
    hash. It ties the entry to one token without revealing anything that could be used."""
    return hashlib.sha256(b"saylau-token-entry\x00" + token_hash.encode("ascii")).hexdigest()


BOUND_FIELDS = ("name", "role", "scope", "expires_at")
"""The columns of a token that its admin log entry holds as they are."""


def entry_problems(row: StoredToken, entry: Mapping[str, Any] | None) -> list[str]:
    """How a token's row differs from its admin log entry (the entry's whole record, or None
    when there is none); [] when they agree."""
    who = f"token {row.name!r} (id {row.id})"
    if row.admin_log_leaf is None:
        return [f"{who} names no audit entry (issued before tokens were bound to theirs?): "
                "revoke it and issue a new one"]
    if entry is None:
        return [f"{who}: its audit entry {row.admin_log_leaf} does not exist"]
    body = entry.get("body") if isinstance(entry.get("body"), dict) else {}
    assert isinstance(body, dict)
    if body.get("action") != logs.Action.TOKEN_ISSUED.value:
        return [f"{who}: audit entry {row.admin_log_leaf} is a {body.get('action')!r}, not "
                "the token's issue"]
    found = [f"{who}: {f} is {getattr(row, f)!r} in the database but {body.get(f)!r} in its "
             f"signed audit entry {row.admin_log_leaf}"
             for f in BOUND_FIELDS if body.get(f) != getattr(row, f)]
    if body.get("token") != fingerprint(row.token_hash):
        found.append(f"{who}: its token (hash) is not the one its audit entry "
                     f"{row.admin_log_leaf} was issued for")
    return found


def token_problems(app: Saylau, entries: Mapping[int, Mapping[str, Any]]) -> list[str]:
    """Every stored token against its admin log entry (`entry_problems`) and against the
    revocations the log records, given the log's verified entries by index: a token edited
    in the database is reported, naming the token and the field. Tokens that can no longer
    be used (revoked, expired) and were issued before tokens named their entries are not
    reported."""
    revoked: dict[str, int] = {}
    for idx, e in entries.items():
        if e["body"].get("action") == logs.Action.TOKEN_REVOKED.value:
            name = str(e["body"].get("name"))
            revoked[name] = max(idx, revoked.get(name, -1))
    now = app.clock()
    found: list[str] = []
    owners: dict[int, str] = {}
    with app.read() as conn:
        rows = token_store.all_tokens(conn)
    for row in rows:
        leaf = row.admin_log_leaf
        if leaf is None:
            expired = row.expires_at is None or datetime.fromisoformat(row.expires_at) <= now
            if row.revoked_at is None and not expired:
                found.extend(entry_problems(row, None))
            continue
        found.extend(entry_problems(row, entries.get(leaf)))
        if leaf in owners:
            found.append(f"token {row.name!r} (id {row.id}) names audit entry {leaf}, "
                         f"which is token {owners[leaf]!r}'s")
        owners[leaf] = row.name
        if row.revoked_at is None and revoked.get(row.name, -1) > leaf:
            found.append(f"token {row.name!r} (id {row.id}) was revoked by audit entry "
                         f"{revoked[row.name]} but is not revoked in the database")
    return found


def create_token(app: Saylau, name: str, role: str, scope: str | None = None, *,
                 ttl: timedelta = DEFAULT_TTL, by: str = "operator") -> str:
    """Issue a token valid for `ttl`; returns the secret (the only time it is seen)."""
    check_ttl(ttl)
    check_actor("name", name)  # written beside everything the token does
    try:
        r = Role(role)
    except ValueError:
        raise unknown("role", [x.value for x in Role if x is not Role.PUBLIC], role) from None
    if r is Role.PUBLIC:
        raise ValidationFailed("the public needs no token",
                               details={"field": "role", "expected": "not public", "actual": role})
    if r in PARTY_SCOPED_ROLES:  # parties wing: the scope is the party's id, not a unit
        if not scope:
            raise ValidationFailed(f"role {role} needs a scope (its party id)",
                                   details={"field": "scope", "expected": "a party id",
                                            "actual": scope})
    elif (r in SCOPED_ROLES) != (scope is not None):
        raise ValidationFailed(
            f"role {role} " + ("needs a scope (its unit or station)" if r in SCOPED_ROLES
                               else "takes no scope"),
            details={"field": "scope", "expected": "a unit id" if r in SCOPED_ROLES else None,
                     "actual": scope},
        )
    if scope is not None and r not in PARTY_SCOPED_ROLES:
        geo = app.geography()
        if scope not in geo:
            raise NotFound(f"no unit {scope!r} for the token's scope",
                           details={"field": "scope", "actual": scope})
        if r is Role.PRECINCT and not geo.unit(UnitId(scope)).is_station:
            raise ValidationFailed(
                f"a precinct commission's scope is its station; {scope!r} is not a station",
                details={"field": "scope", "expected": "a station", "actual": scope},
            )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = app.clock()
    expires = (now + ttl).isoformat()
    with app.write() as conn:
        idx = logs.log_action(conn, app, logs.Action.TOKEN_ISSUED, by, name=name,
                              role=r.value, scope=scope, expires_at=expires,
                              token=fingerprint(_hash(secret)))
        token_store.insert_tokens(conn, [NewToken(name, r.value, scope, _hash(secret),
                                                  now.isoformat(), expires, idx)])
    return secret


def authenticate(app: Saylau, token: str, *,
                 before: Callable[[Connection], None] | None = None) -> Principal:
    """The principal of a bearer token, or Unauthorized saying why not. `before` runs first on
    the same connection (the API's check of the caller's failed authentications).

    Three reads, each on its own (Saylau.read_once: no BEGIN or COMMIT): they need no common
    snapshot, since a token, its signed entry and the revocations only ever grow (a
    revocation committed between two of them is seen by the next request)."""
    with app.read_once() as conn:
        if before is not None:
            before(conn)
        found = token_store.by_hash_with_entry(conn, _hash(token), admin_log_store.ADMIN_LOG)
        if found is not None:
            row, stored_entry = found
            problems = entry_problems(row, _entry(app, row.admin_log_leaf, stored_entry))
            revoked_at = _revocations(app, conn).get(row.name, -1)
    if found is None:
        raise Unauthorized("the bearer token is not valid", code="token_invalid")
    if problems:
        raise Unauthorized(
            "the bearer token's record was changed after it was issued and no longer matches "
            "its signed audit entry; it is refused (the operators are to run `saylau audit "
            "verify`)", code="token_tampered", details={"token": row.name})
    assert row.admin_log_leaf is not None  # else entry_problems found it
    if row.revoked_at is not None or revoked_at > row.admin_log_leaf:
        raise Unauthorized("the bearer token was revoked", code="token_revoked")
    expires = row.expires_at
    if expires is None or datetime.fromisoformat(expires) <= app.clock():
        raise Unauthorized(f"the bearer token expired at {expires}", code="token_expired")
    scope = row.scope
    return Principal(ActorId(row.name), Role(row.role),
                     None if scope is None else UnitId(scope))


def _entry(app: Saylau, idx: int | None, found: tuple[str, str] | None
           ) -> dict[str, Any] | None:
    """Admin log entry `idx` as a record, from its stored text and stored leaf hash (`found`),
    when the text still hashes to the leaf hash (an entry is never changed: kept per process
    once read)."""
    if idx is None:
        return None
    key = f"admin-log-entry:{idx}"
    cached = app.caches.get(key)
    if isinstance(cached, dict):
        return cached
    if found is None:
        return None
    data = found[0].encode("utf-8")
    if leaf_hash(data).hex() != found[1]:
        return {"body": {"action": "entry changed after it was logged"}}
    entry: dict[str, Any] = json.loads(data)
    app.caches[key] = entry
    return entry


_revoked_lock = threading.Lock()


def _revocations(app: Saylau, conn: Connection) -> dict[str, int]:
    """Token name -> the index of the latest `token_revoked` entry of the admin log: a token
    issued before it is revoked, whatever its row says. Read incrementally (the entries since
    the last request), kept per process."""
    size = admin_log_store.size(conn)
    with _revoked_lock:
        seen, revoked = app.caches.get("token-revocations") or (-1, {})
        if size == 0 or size - 1 <= seen:
            return dict(revoked)
        revoked = dict(revoked)
        for idx, data in admin_log_store.entries_between(conn, seen, size - 1):
            if '"token_revoked"' in data:
                body = json.loads(data).get("body", {})
                if body.get("action") == logs.Action.TOKEN_REVOKED.value:
                    revoked[str(body.get("name"))] = idx
        app.caches["token-revocations"] = (size - 1, revoked)
        return dict(revoked)


def revoke_token(app: Saylau, name: str, *, by: str = "operator") -> int:
    """Revoke every token of `name` at once; returns how many."""
    with app.write() as conn:
        n = token_store.revoke_named(conn, name, app.clock().isoformat())
        if n:
            logs.log_action(conn, app, logs.Action.TOKEN_REVOKED, by, name=name, tokens=n)
    return n


def create_tokens(app: Saylau, specs: list[tuple[str, str, str | None]], *,
                  ttl: timedelta = DEFAULT_TTL, by: str = "operator") -> list[str]:
    """Issue many tokens in one transaction (a token per commission for an election night).
    Each spec is (name, role, scope); the same checks as `create_token` apply. One admin log
    entry per token."""
    check_ttl(ttl)
    geo = app.geography()
    secrets_out: list[str] = []
    rows: list[tuple[str, str, str | None, str]] = []
    clock = app.clock()
    now, expires = clock.isoformat(), (clock + ttl).isoformat()
    for name, role, scope in specs:
        check_actor("name", name)
        r = Role(role)
        if (r in SCOPED_ROLES) != (scope is not None) or (scope is not None and scope not in geo):
            raise ValidationFailed(f"bad scope {scope!r} for role {role}",
                                   details={"field": "scope", "expected": "a unit for "
                                            "territorial/precinct, none otherwise",
                                            "actual": scope})
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        secrets_out.append(secret)
        rows.append((name, r.value, scope, _hash(secret)))
    with app.write() as conn:
        end = logs.append_many(conn, logs.ADMIN_LOG, [
            (ENTRY_TYPE, logs.entry_bytes(app, logs.Action.TOKEN_ISSUED, by, name=name,
                                          role=role, scope=scope, expires_at=expires,
                                          token=fingerprint(token_hash)))
            for name, role, scope, token_hash in rows])
        token_store.insert_tokens(conn, [
            NewToken(name, role, scope, token_hash, now, expires, end - len(rows) + k)
            for k, (name, role, scope, token_hash) in enumerate(rows)])
    return secrets_out
