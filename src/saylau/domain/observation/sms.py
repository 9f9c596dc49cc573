"""The compact text-message format for reporting over a weak connection.

    OBS 1234 KZ-71-S0042 A1Y A2N B3=512

Grammar (EBNF; letters are read case-insensitively, items are separated by spaces)::

    message  = "OBS" , sp , badge , sp , station , { sp , item } ;
    badge    = 1-24 of A-Z 0-9 "-" ;        the observer's badge number, e.g. ODIHR-0007
    station  = 1-64 of A-Z 0-9 "-" ;        the station's id, e.g. KZ-71-S0042
    item     = letter , number , answer ;    e.g. A1Y, B3=512
    letter   = "A" .. "Z" ;                  a form's letter (its `sms_prefix`), or
                                             P (protocol copy: P1..P7 are registered,
                                             ballots_received, ballots_issued,
                                             ballots_cancelled, ballots_in_boxes, invalid,
                                             both_marked) or V (votes: V1.. the contest's
                                             options in ballot order)
    number   = digit , [ digit , [ digit ] ] ;   the question's place in its form, from 1
    answer   = "Y" | "N" | "=" , digit , { digit } ;   at most 10 digits
    sp       = " " , { " " } ;

At most 480 characters and 120 items; each question once. Text answers are not taken by text
message (the web form takes them). `parse` returns every problem of a message at once as one
`SmsError`, whose `reply` is the short text sent back: the first 3 problems, each naming the
item, what was expected and what was found. `interpret` maps a parsed message onto the forms'
questions and the protocol's fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from saylau.domain.errors import ValidationFailed
from saylau.domain.observation.forms import Form, QuestionType
from saylau.domain.protocols.values import COUNT_FIELDS

MAX_CHARS = 480
MAX_ITEMS = 120
MAX_DIGITS = 10
_BADGE = re.compile(r"^[A-Z0-9-]{1,24}$")
_STATION = re.compile(r"^[A-Z0-9-]{1,64}$")
_ITEM = re.compile(r"^([A-Z])(\d{1,3})(?:(Y|N)|=(\d+))$")
HELP = "format: OBS <badge> <station> A1Y A2N B3=512"


@dataclass(frozen=True, slots=True)
class Item:
    letter: str
    number: int
    value: int | bool

    @property
    def code(self) -> str:
        return f"{self.letter}{self.number}"


@dataclass(frozen=True, slots=True)
class Message:
    badge: str
    station: str
    items: tuple[Item, ...]


class SmsError(ValidationFailed):
    """A malformed message; `reply` is the text sent back."""

    code = "sms_malformed"

    def __init__(self, problems: Sequence[str]) -> None:
        shown = "; ".join(problems[:3])
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"ERR {shown}{more}", details={"findings": [
            {"field": "message", "message": p} for p in problems]})
        self.problems = list(problems)

    @property
    def reply(self) -> str:
        return self.message


def parse(text: str) -> Message:
    """The message's badge, station and items; raises `SmsError` with every problem."""
    if len(text) > MAX_CHARS:
        raise SmsError([f"message is {len(text)} characters, at most {MAX_CHARS}; send it "
                        "in two messages"])
    words = text.strip().upper().split()
    if not words or words[0] != "OBS":
        raise SmsError([f"a report starts with OBS, not {words[0][:10] if words else 'nothing'}"
                        f"; {HELP}"])
    if len(words) < 3:
        raise SmsError([f"badge and station missing; {HELP}" if len(words) == 1 else
                        f"station missing after the badge; {HELP}"])
    problems: list[str] = []
    badge, station = words[1], words[2]
    if not _BADGE.match(badge):
        problems.append(f"badge {badge[:24]!r}: expected letters, digits and -")
    if not _STATION.match(station):
        problems.append(f"station {station[:64]!r}: expected letters, digits and -")
    if len(words) - 3 > MAX_ITEMS:
        problems.append(f"{len(words) - 3} answers, at most {MAX_ITEMS}")
    items: list[Item] = []
    seen: set[str] = set()
    for w in words[3:]:
        m = _ITEM.match(w)
        if m is None:
            problems.append(f"{w[:12]!r} is not an answer: write A1Y, A1N or B3=512")
            continue
        letter, num, yn, digits = m.groups()
        if digits is not None and len(digits) > MAX_DIGITS:
            problems.append(f"{letter}{num}: at most {MAX_DIGITS} digits")
            continue
        code = f"{letter}{int(num)}"
        if code in seen:
            problems.append(f"{code} is answered twice")
            continue
        seen.add(code)
        value: int | bool = (yn == "Y") if yn is not None else int(digits)
        items.append(Item(letter, int(num), value))
    if problems:
        raise SmsError(problems)
    return Message(badge, station, tuple(items))


@dataclass(frozen=True, slots=True)
class Interpreted:
    answers: Mapping[str, Mapping[str, int | bool]] = field(default_factory=dict)
    """Form id -> question id -> answer."""
    copy: Mapping[str, int] | None = None
    """The protocol copy's figures (count fields and votes.<option>), when P/V items came."""


def interpret(message: Message, forms: Sequence[Form], options: Sequence[str]
              ) -> Interpreted:
    """Map the items onto the forms (by `sms_prefix`) and the protocol's fields; raises
    `SmsError` with every item that names nothing or has the wrong kind of answer."""
    by_letter = {f.sms_prefix: f for f in forms if f.sms_prefix}
    problems: list[str] = []
    answers: dict[str, dict[str, int | bool]] = {}
    copy: dict[str, int] = {}
    for it in message.items:
        if it.letter in ("P", "V"):
            names = COUNT_FIELDS if it.letter == "P" else tuple(f"votes.{o}" for o in options)
            if not 1 <= it.number <= len(names):
                problems.append(f"{it.code}: no such protocol field (P1-P{len(COUNT_FIELDS)}, "
                                f"V1-V{len(options)})")
            elif isinstance(it.value, bool):
                problems.append(f"{it.code}: a protocol figure is a number, write "
                                f"{it.code}=123")
            else:
                copy[names[it.number - 1]] = it.value
            continue
        form = by_letter.get(it.letter)
        if form is None:
            problems.append(f"{it.code}: no form has letter {it.letter} (forms: "
                            f"{', '.join(sorted(by_letter)) or 'none'}, P, V)")
            continue
        if not 1 <= it.number <= len(form.questions):
            problems.append(f"{it.code}: form {form.id} has questions "
                            f"{it.letter}1-{it.letter}{len(form.questions)}")
            continue
        q = form.questions[it.number - 1]
        want_bool = q.type is QuestionType.YES_NO
        if q.type is QuestionType.TEXT:
            problems.append(f"{it.code} ({q.id}) takes text: use the web form")
        elif want_bool != isinstance(it.value, bool):
            problems.append(f"{it.code} ({q.id}): expected "
                            + (f"{it.code}Y or {it.code}N" if want_bool
                               else f"{it.code}=<number>"))
        else:
            answers.setdefault(form.id, {})[q.id] = it.value
    if problems:
        raise SmsError(problems)
    if not answers and not copy:
        raise SmsError([f"no answers in the message; {HELP}"])
    return Interpreted(answers, copy or None)


def render(message: Message) -> str:
    """The message written back in its canonical form (parse(render(m)) == m)."""
    items = " ".join(f"{i.code}{('Y' if i.value else 'N') if isinstance(i.value, bool) else '=' + str(i.value)}"  # noqa: E501 (one expression)
                     for i in message.items)
    return f"OBS {message.badge} {message.station}" + (f" {items}" if items else "")
