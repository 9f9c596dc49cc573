"""Reports by text message (domain/observation/sms.py has the grammar): an SMS gateway posts
each message it receives to the API's webhook with its mission's token (or the central
commission's); the reply is the text sent back to the observer. The gateway vouches for the
sender: a mission's gateway is taken only for its own mission's badges.

Every message gets a reply: `OK <badge> <station>: opening v1, voting unchanged, copy v1` or
`ERR ...` naming what is wrong. A message is taken whole or not at all for each part (a
checklist, the copy): the parts are stored one after another, and the reply says which were
stored before any refusal (sending the same message again is idempotent for those).
"""

from __future__ import annotations

from dataclasses import dataclass

from saylau.domain.access import Principal, Role
from saylau.domain.errors import SaylauError
from saylau.domain.ids import ActorId, UnitId
from saylau.domain.observation import sms
from saylau.services.context import Saylau
from saylau.services.elections import contests
from saylau.services.observation.forms import forms
from saylau.services.observation.identity import mission_of, observer_token_name
from saylau.services.observation.missions import observer_state
from saylau.services.observation.reports import submit_copy, submit_report

MAX_REPLY = 320


@dataclass(frozen=True, slots=True)
class Reply:
    ok: bool
    text: str


def _reply(ok: bool, text: str) -> Reply:
    return Reply(ok, text if len(text) <= MAX_REPLY else text[:MAX_REPLY - 1] + "…")


def receive(app: Saylau, gateway: Principal, election: str, text: str) -> Reply:  # noqa: PLR0911 (one reply per way a message fails)
    """Take one text message; never raises for what the message says (the reply says it)."""
    own = mission_of(gateway, election)
    try:
        msg = sms.parse(text)
    except sms.SmsError as exc:
        return _reply(False, exc.reply)
    try:
        state = observer_state(app, election, msg.badge)
    except SaylauError:
        return _reply(False, f"ERR badge {msg.badge} is not known in {election}")
    if own is not None and state.mission != own:
        return _reply(False, f"ERR badge {msg.badge} is not of mission {own}")
    geo = app.geography()
    if msg.station not in geo:
        return _reply(False, f"ERR station {msg.station} is not known")
    election_contests = [c for c in contests(app, election)
                         if geo.is_within(UnitId(msg.station), c.area)]
    options = [str(o) for o in election_contests[0].option_ids] if election_contests else []
    try:
        got = sms.interpret(msg, [f.form for f in forms(app, election)], options)
    except sms.SmsError as exc:
        return _reply(False, exc.reply)
    who = Principal(ActorId(observer_token_name(election, msg.badge)), Role.OBSERVER)
    done: list[str] = []
    try:
        for form_id, answers in got.answers.items():
            s = submit_report(app, who, election, msg.station, form_id, answers)
            done.append(f"{form_id} " + (f"v{s.version}" if s.status == "accepted"
                                         else "unchanged"))
        if got.copy is not None:
            if len(election_contests) != 1:
                raise SaylauError(f"{len(election_contests)} contests at {msg.station}: send "
                                  "the copy by the web form", code="sms_contest")
            s = submit_copy(app, who, election_contests[0].id, msg.station, dict(got.copy))
            done.append("copy " + (f"v{s.version}" if s.status == "accepted" else "unchanged"))
    except SaylauError as exc:
        stored = f" (stored: {', '.join(done)})" if done else ""
        return _reply(False, f"ERR {exc.message}{stored}")
    return _reply(True, f"OK {msg.badge} {msg.station}: {', '.join(done)}")
