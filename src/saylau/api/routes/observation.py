"""Observation (issue 12): missions, accreditation, deployment, checklists, incidents,
observer copies of the protocols and their comparison with the official ones.

Empty until that issue adds its routes; mounted nowhere until then (api/app.py's ROUTERS).
Every route it gets declares its policy and joins the role matrix of
tests/integration/test_policies.py.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
