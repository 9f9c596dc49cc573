"""`saylau demo --election parties` (issue 13): a registration season through the real API.

The central commission loads its register of officials barred from party membership; three
parties apply and send synthetic member lists (with their share of bad rows: wrong check
digits, members of another party, barred officials); one party withdraws and corrects rows;
the Ministry of Justice decides each under kz-2022 beside kz-2007:

- Zhasyl Dala: 5,200 members, 260 in every region, 800 founders: registered under kz-2022,
  refused under kz-2007 (20,000 members, 600 per branch, 1,000 founders needed then);
- Jana Jol: 690 founders, a list with bad rows and a short branch: refused, every reason named;
- Bolashaq: 24,000 members, 1,100 founders: registered under both.

The parties and people are invented; the IINs are random numbers completed with their check
digit. Nothing prints an IIN.
"""

from __future__ import annotations

import random
from typing import Any

from rich.console import Console

from saylau.domain.parties.synthetic import BadShares, member_list, random_iin, to_csv

PARTIES: tuple[tuple[str, dict[str, str], int, int, str], ...] = (
    # id, names, founders, members per region, congress date
    ("zhasyl", {"kk": "Жасыл Дала", "ru": "Жасыл Дала", "en": "Zhasyl Dala"}, 800, 260,
     "2022-09-20"),
    ("janajol", {"kk": "Жаңа Жол", "ru": "Жана Жол", "en": "Jana Jol"}, 690, 250,
     "2022-09-25"),
    ("bolashaq", {"kk": "Болашақ", "ru": "Болашак", "en": "Bolashaq"}, 1100, 1200,
     "2022-08-25"),
)
CATEGORIES = ("military", "judge", "akim", "cec", "security", "law-enforcement")


def _ok(r: Any, what: str) -> Any:
    if r.status_code >= 300:
        raise SystemExit(f"{what}: {r.status_code} {r.text[:500]}")
    return r.json()


def run_season(app: Any, client: Any, console: Console, seed: int = 2022) -> list[Any]:
    """The season through `client` (an HTTP client on the app's API); returns the register."""
    from saylau.services.parties.register import regions
    from saylau.services.tokens import create_token

    regs = regions()
    auth = {"cec": create_token(app, "CEC", "admin"),
            "ministry": create_token(app, "Ministry of Justice", "ministry")}
    auth |= {pid: create_token(app, f"party {pid}", "party", pid) for pid, *_ in PARTIES}
    h = {k: {"Authorization": f"Bearer {v}"} for k, v in auth.items()}
    rng = random.Random(seed * 7 + 1)  # noqa: S311 (synthetic data, seeded: no secret)
    barred = [random_iin(rng) for _ in range(200)]
    body = "iin,category\n" + "".join(f"{iin},{CATEGORIES[k % len(CATEGORIES)]}\n"
                                      for k, iin in enumerate(barred))
    got = _ok(client.post("/api/party-barred", content=body.encode(),
                          headers={**h["cec"], "Content-Type": "text/csv"}), "barred register")
    console.print(f"the central commission loaded {got['stored']} officials barred from party "
                  "membership (docs/law.md §11.2)")
    lists: dict[str, Any] = {}
    for k, (pid, names, founders, per_region, congress) in enumerate(PARTIES):
        _ok(client.post("/api/parties", headers=h[pid], json={
            "id": pid, "name": names, "ruleset": "kz-2022", "founders": founders,
            "founder_regions": list(regs), "initiative_formed": "2022-07-01",
            "congress_held": congress, "submitted_on": "2022-10-15"}), f"{pid} applies")
        counts = [per_region] * len(regs)
        shares = BadShares()
        if pid == "janajol":  # a short branch and bad rows of every kind
            counts[-1] = 150
            shares = BadShares(check_digit=0.03, duplicate=0.01, other_party=0.08,
                               barred=0.005, unknown_region=0.005)
        cols = member_list(seed + k, 0, regs, per_region=counts, shares=shares,
                           other_party=lists.get("zhasyl", ()), barred=barred)
        lists[pid] = cols.iins
        report = _ok(client.post(f"/api/parties/{pid}/members", content=to_csv(cols).encode(),
                                 headers={**h[pid], "Content-Type": "text/csv"}),
                     f"{pid} sends its list")
        bad = ", ".join(f"{c} {n}" for c, n in report["findings_by_code"].items()) or "none"
        console.print(f"{names['en']}: applied with {founders} founders; {report['rows']:,} "
                      f"rows received; findings of the list itself: {bad}")
    # Jana Jol withdraws one member and corrects another's region, each with a reason
    _ok(client.post("/api/parties/janajol/members/1/versions", headers=h["janajol"],
                    json={"corrects": 1, "reason": "the member left before the congress",
                          "withdraw": True}), "a withdrawal")
    _ok(client.post("/api/parties/janajol/members/2/versions", headers=h["janajol"],
                    json={"corrects": 1, "reason": "typed the wrong region",
                          "region": "KZ-79"}), "a correction")
    console.print("Jana Jol withdrew row 1 and corrected row 2 (new versions, with reasons)")
    conflicts = _ok(client.get("/api/parties/janajol/conflicts", headers=h["janajol"]),
                    "conflicts")
    console.print(f"Jana Jol lists {len(conflicts)} people who are Zhasyl Dala's members "
                  "(received first, so Zhasyl Dala's membership stands; both see it)")
    for pid, names, *_ in PARTIES:
        d = _ok(client.post(f"/api/parties/{pid}/decision", headers=h["ministry"],
                            json={"rulesets": ["kz-2007"]}), f"decision on {pid}")
        own, old = d["decisions"]
        console.print(f"[bold]{names['en']}: {own['decision']} under kz-2022[/bold]; "
                      f"under kz-2007 it would be {old['decision']}")
        for c in own["conditions"]:
            if not c["passed"]:
                console.print(f"  reason: {c['text']} ({c['cite']})", markup=False)
        if own["decision"] == "registered" and old["decision"] == "refused":
            for c in old["conditions"]:
                if not c["passed"]:
                    console.print(f"  kz-2007 would refuse: {c['text']}", markup=False)
    register: list[Any] = _ok(client.get("/api/parties"), "the register")
    return register


def run_parties_demo(app: Any, instant: bool, host: str, port: int, seed: int,
                     console: Console) -> list[Any]:
    """The season; then, unless `instant`, the site served (its /parties pages)."""
    import threading

    from saylau.api.app import create_app

    api = create_app(app)
    from fastapi.testclient import TestClient

    with TestClient(api) as client:
        register = run_season(app, client, console, seed)
    console.print("the register: " + "; ".join(
        f"{e['name']['en']} {e['status']}" for e in register))
    if instant:
        console.print("`saylau parties list` in this folder reads it; `saylau serve` shows "
                      "/parties")
        return register
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(api, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    console.print(f"[bold]serving the register on http://{host}:{port}/parties[/bold] "
                  "(Ctrl-C to stop)")
    try:
        thread.join()
    except KeyboardInterrupt:
        server.should_exit = True
    return register
