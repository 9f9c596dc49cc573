"""Integrity analytics (issue 14): forensic signals by unit, the quick count against the
official result.

Empty until that issue adds its routes; mounted nowhere until then (api/app.py's ROUTERS).
Every route it gets declares its policy and joins the role matrix of
tests/integration/test_policies.py.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
