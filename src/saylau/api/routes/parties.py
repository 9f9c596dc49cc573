"""Party registration (issue 13): applications, member lists and their findings, the
register.

Empty until that issue adds its routes; mounted nowhere until then (api/app.py's ROUTERS).
Every route it gets declares its policy and joins the role matrix of
tests/integration/test_policies.py.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
