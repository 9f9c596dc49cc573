"""The geography: units and their children, the CSV export and import."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from saylau.api.bodies import CSV_BODY, CSV_OUT, read_body
from saylau.api.policies import (
    Admin,
    Public,
    saylau_of,
)
from saylau.api.schemas.elections import (
    UnitOut,
    UnitTreeOut,
)
from saylau.domain.ids import UnitId

router = APIRouter()


@router.get("/api/geography/units/{unit_id}", response_model=UnitTreeOut, tags=["geography"])
def get_unit(unit_id: str, request: Request, _who: Public) -> UnitTreeOut:
    geo = saylau_of(request).geography()
    u = geo.unit(UnitId(unit_id))
    return UnitTreeOut(
        unit=UnitOut.of(u),
        children=[UnitOut.of(geo.unit(c)) for c in geo.children[u.id]],
        stations_below=len(geo.descendant_stations(u.id)) if not u.is_station else 1,
    )

@router.get("/api/geography/root", response_model=UnitTreeOut, tags=["geography"])
def get_root(request: Request, who: Public) -> UnitTreeOut:
    return get_unit(saylau_of(request).geography().root.id, request, who)

@router.get("/api/geography.csv", response_class=Response, responses=CSV_OUT,
         tags=["geography"])
def export_geography(request: Request, _who: Public) -> PlainTextResponse:
    from saylau.domain.geography_csv import geography_to_csv

    return PlainTextResponse(geography_to_csv(saylau_of(request).geography()),
                             media_type="text/csv; charset=utf-8")

@router.post("/api/geography", status_code=201, tags=["geography"], openapi_extra=CSV_BODY)
async def import_geography(request: Request, _who: Admin) -> dict[str, int]:
    """Load the geography from CSV (docs/geography-csv.md) into an empty store."""
    from saylau.domain.geography_csv import parse_geography_csv
    from saylau.services.geography import load_geography

    data = await read_body(request)
    geo = await run_in_threadpool(parse_geography_csv, data)
    n = await run_in_threadpool(lambda: load_geography(saylau_of(request), geo, by=_who.name))
    return {"units": n, "stations": len(geo.station_indices)}
