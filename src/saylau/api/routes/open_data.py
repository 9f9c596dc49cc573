"""Open data: the CSV and JSON exports and the NIST SP 1500-100 v2 report (docs/open-data.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from saylau.api.policies import (
    Public,
    saylau_of,
)

router = APIRouter()


@router.get("/api/elections/{election_id}/open-data/{fmt}", tags=["open data"])
def open_data_index(
    election_id: str, fmt: Annotated[str, Path(pattern="^(csv|json)$")],
    request: Request, _who: Public,
) -> dict[str, Any]:
    """The files of the CSV or JSON export (docs/open-data.md), with their URLs."""
    from saylau.services.export import election_snapshots, open_data_files
    from saylau.services.observation.compare import published_comparison

    e, snaps = election_snapshots(saylau_of(request), election_id)
    names = sorted(open_data_files(e, snaps, fmt,
                                   published_comparison(saylau_of(request), e.id)))
    return {"election": e.id, "format": fmt,
            "files": {n: f"/api/elections/{e.id}/open-data/{fmt}/{n}" for n in names}}

@router.get("/api/elections/{election_id}/open-data/{fmt}/{name}", tags=["open data"],
         responses={200: {"description": "the file", "content": {
             "text/csv": {"schema": {"type": "string"}}, "application/json": {}}}})
def open_data_file(
    election_id: str, fmt: Annotated[str, Path(pattern="^(csv|json)$")],
    name: Annotated[str, Path(max_length=200)], request: Request, _who: Public,
) -> Response:
    """One open-data file: per unit or per station results of a contest, and more."""
    from saylau.services.export import election_snapshots, open_data_files
    from saylau.services.observation.compare import published_comparison

    e, snaps = election_snapshots(saylau_of(request), election_id)
    files = open_data_files(e, snaps, fmt, published_comparison(saylau_of(request), e.id))
    if name not in files:
        from saylau.domain.lookup import missing

        raise missing("name", sorted(files), name, code="not_found",
                      message=f"no file {name!r} in the {fmt} export of {e.id}")
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return Response(files[name], media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

@router.get("/api/elections/{election_id}/cdf.json", tags=["open data"])
def cdf(election_id: str, request: Request, _who: Public) -> Response:
    """The election as a NIST SP 1500-100 v2 ElectionReport (JSON)."""
    from saylau.services.export import cdf_json, cdf_report, election_snapshots

    s = saylau_of(request)
    e, snaps = election_snapshots(s, election_id)
    return Response(cdf_json(cdf_report(e, snaps, s.clock())),
                    media_type="application/json")
