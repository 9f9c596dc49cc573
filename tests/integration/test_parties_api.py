"""Party registration over the API: a party acts for itself only, the ministry sees all, the
public sees the register and the counts, and no answer holds a raw IIN."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from saylau.api.app import create_app
from saylau.domain.parties.synthetic import BadShares, member_list, to_csv
from saylau.services.context import Saylau
from saylau.services.parties.register import regions
from saylau.services.tokens import create_token


@pytest.fixture
def client(saylau: Saylau) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    tokens = {
        "alpha": create_token(saylau, "party-alpha", "party", "alpha"),
        "beta": create_token(saylau, "party-beta", "party", "beta"),
        "ministry": create_token(saylau, "ministry", "ministry"),
        "admin": create_token(saylau, "cec", "admin"),
        "observer": create_token(saylau, "obs", "observer"),
    }
    auth = {k: {"Authorization": f"Bearer {v}"} for k, v in tokens.items()}
    with TestClient(create_app(saylau), raise_server_exceptions=False) as c:
        yield c, auth


def _app(pid: str) -> dict[str, object]:
    return {"id": pid, "name": {"kk": pid, "ru": pid, "en": pid.title()}, "founders": 800,
            "founder_regions": list(regions()), "initiative_formed": "2022-07-01",
            "congress_held": "2022-09-01", "submitted_on": "2022-10-15"}


def test_each_sees_what_it_may(client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, auth = client
    a = member_list(1, 0, regions(), per_region=[260] * 20)
    b = member_list(2, 400, regions(), shares=BadShares(check_digit=0.1, other_party=0.2),
                    other_party=a.iins[:50])
    seen: list[str] = []

    def call(method: str, url: str, who: str | None, want: int, **kw: object) -> object:
        r = c.request(method, url, headers=auth.get(who or "", {}), **kw)  # type: ignore[arg-type]
        assert r.status_code == want, (method, url, who, r.text[:400])
        seen.append(r.text)
        return r.json()

    csv = {"Content-Type": "text/csv"}
    call("POST", "/api/parties", "alpha", 201, json=_app("alpha"))
    call("POST", "/api/parties", "alpha", 403, json=_app("gamma"))  # not for another party
    call("POST", "/api/parties", "beta", 201, json=_app("beta"))
    r = c.post("/api/parties/alpha/members", content=to_csv(a).encode(),
               headers={**auth["alpha"], **csv})
    assert r.status_code == 201, r.text
    seen.append(r.text)
    r = c.post("/api/parties/alpha/members", content=to_csv(b).encode(),
               headers={**auth["beta"], **csv})
    assert r.status_code == 403  # beta may not add to alpha's list
    r = c.post("/api/parties/beta/members", content=to_csv(b).encode(),
               headers={**auth["beta"], **csv})
    assert r.status_code == 201 and r.json()["findings_by_code"]["iin.check_digit"] > 10
    seen.append(r.text)
    bad = c.post("/api/parties/beta/members", content=b"name\nx\n",
                 headers={**auth["beta"], **csv})
    assert bad.status_code == 422 and "missing" in bad.json()["error"]["message"]
    rows = call("GET", "/api/parties/beta/members", "beta", 200)
    assert isinstance(rows, list) and len(rows) == 400
    call("GET", "/api/parties/alpha/members", "beta", 403)
    call("GET", "/api/parties/alpha/members", "observer", 403)
    call("GET", "/api/parties/alpha/members", None, 401)
    call("GET", "/api/parties/alpha/members", "ministry", 200)
    conflicts = call("GET", "/api/parties/beta/conflicts", "beta", 200)
    assert isinstance(conflicts, list) and conflicts
    assert call("GET", "/api/parties/alpha/conflicts", "alpha", 200) == conflicts
    call("POST", "/api/parties/alpha/decision", "alpha", 403, json={})
    d = call("POST", "/api/parties/alpha/decision", "ministry", 201,
             json={"rulesets": ["kz-2007"]})
    assert [x["decision"] for x in d["decisions"]] == ["registered", "refused"]  # type: ignore[index]
    d = call("POST", "/api/parties/beta/decision", "ministry", 201, json={})
    assert d["decisions"][0]["decision"] == "refused"  # type: ignore[index]
    public = call("GET", "/api/parties", None, 200)
    assert {p["id"]: p["status"] for p in public} == {"alpha": "registered",  # type: ignore[union-attr]
                                                      "beta": "refused"}
    one = call("GET", "/api/parties/alpha", None, 200)
    assert sum(one["decision"]["members_by_region"]["kz-2022"].values()) == 5200  # type: ignore[index]
    assert "rows_with_findings" not in str(public)
    call("GET", "/api/party-conflicts", "observer", 403)
    call("GET", "/api/party-conflicts", "ministry", 200)
    text = "\n".join(seen)
    assert not {*a.iins, *b.iins} & set(re.findall(r"[0-9]{12}", text))


def test_the_public_pages_in_three_languages(
        client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, auth = client
    a = member_list(3, 0, regions(), per_region=[260] * 20)
    c.post("/api/parties", json=_app("alpha"), headers=auth["alpha"])
    r = c.post("/api/parties/alpha/members", content=to_csv(a).encode(),
               headers={**auth["alpha"], "Content-Type": "text/csv"})
    assert r.status_code == 201
    low = {**_app("beta"), "founders": 500}
    assert c.post("/api/parties", json=low, headers=auth["beta"]).status_code == 201
    r = c.post("/api/parties/beta/members", content=to_csv(
        member_list(4, 0, regions(), per_region=[100] * 20)).encode(),
        headers={**auth["beta"], "Content-Type": "text/csv"})
    assert r.status_code == 201
    for pid in ("alpha", "beta"):
        r = c.post(f"/api/parties/{pid}/decision", json={"rulesets": ["kz-2007"]},
                   headers=auth["ministry"])
        assert r.status_code == 201, r.text
    pages = {}
    for lang in ("kk", "ru", "en"):
        for path in ("/parties", "/parties/alpha", "/parties/beta"):
            r = c.get(f"{path}?lang={lang}")
            assert r.status_code == 200, (path, lang, r.text[:300])
            pages[(path, lang)] = r.text
    en_beta = pages[("/parties/beta", "en")]
    assert "Reasons for refusal" in en_beta
    assert "Founders in the initiative group: 500 (required: 700)" in en_beta
    assert "Valid members in total: 2000 (required: 5000)" in en_beta
    assert "Причины отказа" in pages[("/parties/beta", "ru")]
    assert "Бас тарту себептері" in pages[("/parties/beta", "kk")]
    en_alpha = pages[("/parties/alpha", "en")]
    assert "kz-2007" in en_alpha and "would be registered" in en_alpha
    assert "would be refused" in en_alpha  # under kz-2007, side by side
    assert "Reasons for refusal" not in en_alpha
    assert "Abai Region" in en_alpha and "Абай облысы" in pages[("/parties/alpha", "kk")]
    assert 'id="map-members"' in en_alpha and "kz_units_2022.geojson" in en_alpha
    assert "партия зарегистрирована" in pages[("/parties", "ru")]
    assert c.get("/parties/nobody").status_code == 404
    text = "\n".join(pages.values())
    assert not set(a.iins) & set(re.findall(r"[0-9]{12}", text))


def test_a_bad_iin_in_a_request_is_not_echoed(
        client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, auth = client
    assert c.post("/api/parties", json=_app("alpha"), headers=auth["alpha"]).status_code == 201
    cols = member_list(5, 2, regions())
    r = c.post("/api/parties/alpha/members", content=to_csv(cols).encode(),
               headers={**auth["alpha"], "Content-Type": "text/csv"})
    assert r.status_code == 201
    url = "/api/parties/alpha/members/1/versions"
    for bad in (cols.iins[1] * 3, int(cols.iins[1])):
        r = c.post(url, json={"corrects": 1, "reason": "typo", "iin": bad},
                   headers=auth["alpha"])
        assert r.status_code == 422, r.text
        assert cols.iins[1] not in r.text and str(int(cols.iins[1])) not in r.text
    r = c.post(url, json={"corrects": 1, "reason": "typo", "iin": cols.iins[1][:11] + "x"},
               headers=auth["alpha"])
    assert r.status_code == 201
    assert [f["code"] for f in r.json()["findings"]] == ["iin.format"]
    assert cols.iins[1][:11] not in r.text


def test_an_xlsx_list_over_the_api(client: tuple[TestClient, dict[str, dict[str, str]]]
                                   ) -> None:
    import io

    from openpyxl import Workbook

    c, auth = client
    assert c.post("/api/parties", json=_app("alpha"), headers=auth["alpha"]).status_code == 201
    cols = member_list(7, 3, regions())
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["full_name", "birth_date", "iin", "region", "joined", "signature"])
    for i in range(len(cols)):
        ws.append([cols.full_names[i], cols.birth_dates[i], cols.iins[i], cols.regions[i],
                   cols.joined[i], "yes"])
    out = io.BytesIO()
    wb.save(out)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    r = c.post("/api/parties/alpha/members", content=out.getvalue(),
               headers={**auth["alpha"], "Content-Type": xlsx})
    assert r.status_code == 201, r.text
    assert r.json()["rows"] == 3
    wb.create_sheet("notes")
    out = io.BytesIO()
    wb.save(out)
    r = c.post("/api/parties/alpha/members", content=out.getvalue(),
               headers={**auth["alpha"], "Content-Type": xlsx})
    assert r.status_code == 422 and "2 sheets" in r.json()["error"]["message"]
    rows = c.get("/api/parties/alpha/members", headers=auth["alpha"]).json()
    assert len(rows) == 3  # the refused workbook stored nothing
    assert not set(cols.iins) & set(re.findall(r"[0-9]{12}", r.text + str(rows)))
