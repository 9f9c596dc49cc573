"""Checklist and incident forms: the central commission's defaults, and forms defined by the
commission or a mission, versioned (a changed definition is the next version; the same one
again is idempotent)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saylau.domain.access import Principal
from saylau.domain.errors import Forbidden, NotFound
from saylau.domain.observation.forms import Form, default_forms
from saylau.domain.record.envelope import format_timestamp
from saylau.domain.versions import content_hash
from saylau.services.context import Saylau
from saylau.services.observation.identity import mission_of
from saylau.store import observation as obs_store
from saylau.store.observation import FormRow


def ensure_default_forms(app: Saylau, election: str, by: str) -> None:
    """The central commission's forms, stored as version 1 when the election has none."""
    with app.write() as conn:
        if obs_store.forms(conn, election):
            return
        now = format_timestamp(app.clock())
        for f in default_forms():
            obs_store.insert_form(conn, election, f, 1, None, content_hash(f.as_dict()), by,
                                  now)


def define_form(app: Saylau, who: Principal, election: str, definition: Mapping[str, Any]
                ) -> FormRow:
    """Store a form's definition (checked whole) as its next version; the admin defines the
    commission's forms, a mission head its mission's own (a mission cannot change another's
    or the commission's)."""
    form = Form.from_dict(definition)
    owner = mission_of(who, election)
    digest = content_hash(form.as_dict())
    with app.write() as conn:
        current = obs_store.form(conn, election, form.id)
        if current is not None:
            if current.owner != owner and owner is not None:
                raise Forbidden(f"form {form.id} belongs to "
                                f"{current.owner or 'the central commission'}",
                                code="other_form_owner",
                                details={"field": "id", "expected": "a form of your own",
                                         "actual": form.id})
            if current.content_hash == digest:
                return current
        version = 1 if current is None else current.version + 1
        obs_store.insert_form(conn, election, form, version,
                              owner if current is None else current.owner, digest, who.name,
                              format_timestamp(app.clock()))
    return FormRow(form, version, owner if current is None else current.owner, digest)


def forms(app: Saylau, election: str) -> list[FormRow]:
    with app.read() as conn:
        return obs_store.forms(conn, election)


def get_form(app: Saylau, election: str, form_id: str, version: int | None = None) -> FormRow:
    with app.read() as conn:
        row = obs_store.form(conn, election, form_id, version)
    if row is None:
        raise NotFound(f"election {election} has no form {form_id!r}"
                       + ("" if version is None else f" version {version}"),
                       code="form_not_found", details={"field": "form", "actual": form_id})
    return row
