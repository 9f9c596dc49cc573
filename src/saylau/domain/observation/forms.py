"""Checklist and incident forms, and the checking of a submission's answers against one.

A form (opening, voting, counting or incident) is defined by the central commission or by a
mission: questions of four types (yes/no, integer, choice, text), each with an id that the
rules and the text-message channel name, and validation rules in the language of
`domain/observation/expr.py`. A form is versioned: a changed definition is a new version, and a
submission names the version it answers (so an answer is always read against the questions it
was given). `check_answers` returns every finding at once (DESIGN habit 5); a submission with
an error finding is refused, naming each field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.observation import expr

MAX_QUESTIONS = 200
MAX_TEXT = 2000
"""Characters of a text answer."""
MAX_INT = 10**9
"""An integer answer's bound (as a protocol's counts: docs/law.md §4.2)."""
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
FORM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
SMS_PREFIX = re.compile(r"^[A-OQ-UW-Z]$")
"""A form's letter in text messages: P and V are the protocol copy's (domain/observation/sms)."""


class FormKind(StrEnum):
    OPENING = "opening"
    VOTING = "voting"
    COUNTING = "counting"
    INCIDENT = "incident"


class QuestionType(StrEnum):
    YES_NO = "yes_no"
    INTEGER = "integer"
    CHOICE = "choice"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    type: QuestionType
    label: str
    choices: tuple[str, ...] = ()
    """For a choice question: the choices' labels; an answer is a choice's number, 1-based."""
    required: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type.value, "label": self.label,
                "choices": list(self.choices), "required": self.required}


@dataclass(frozen=True, slots=True)
class Rule:
    expression: str
    message: str
    """What the observer reads when the rule fails."""


@dataclass(frozen=True, slots=True)
class Form:
    id: str
    kind: FormKind
    title: str
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...] = ()
    sms_prefix: str | None = None
    """The letter that names this form's questions in a text message (A1 = question 1)."""

    def question(self, qid: str) -> Question | None:
        for q in self.questions:
            if q.id == qid:
                return q
        return None

    def as_dict(self) -> dict[str, Any]:
        """The definition as plain data (its content hash identifies the version)."""
        return {"id": self.id, "kind": self.kind.value, "title": self.title,
                "questions": [q.as_dict() for q in self.questions],
                "rules": [{"expression": r.expression, "message": r.message}
                          for r in self.rules],
                "sms_prefix": self.sms_prefix}

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> Form:
        """A form from plain data (what the API and the store hold); checked by
        `check_form`, every problem at once."""
        problems: list[dict[str, Any]] = []
        questions: list[Question] = []
        for i, q in enumerate(d.get("questions") or []):
            try:
                questions.append(Question(str(q["id"]), QuestionType(q["type"]),
                                          str(q.get("label", q["id"])),
                                          tuple(str(c) for c in q.get("choices") or ()),
                                          bool(q.get("required", False))))
            except (KeyError, ValueError, TypeError) as exc:
                problems.append(field_error(f"questions[{i}]", "id, type (yes_no, integer, "
                                            "choice, text), label", q, f"bad question: {exc}"))
        try:
            kind = FormKind(str(d.get("kind")))
        except ValueError:
            problems.append(field_error("kind", "opening, voting, counting or incident",
                                        d.get("kind"), "unknown form kind"))
            kind = FormKind.VOTING
        rules = tuple(Rule(str(r.get("expression", "")), str(r.get("message", "")))
                      for r in d.get("rules") or [] if isinstance(r, Mapping))
        form = Form(str(d.get("id", "")), kind, str(d.get("title", "")), tuple(questions),
                    rules, d.get("sms_prefix") or None)
        check_form(form, problems)
        return form


def check_form(form: Form, problems: list[dict[str, Any]] | None = None) -> dict[str, expr.Node]:
    """Hold the definition sound, every problem at once: ids, types, choices, and each rule
    parsed and typed over the questions. Returns the parsed rules by expression."""
    found = list(problems or [])
    if not FORM_ID.match(form.id):
        found.append(field_error("id", "lower-case letters, digits, - and _ (1-40)", form.id,
                                 "bad form id"))
    if not form.title.strip():
        found.append(field_error("title", "a title", form.title, "the form has no title"))
    if not form.questions or len(form.questions) > MAX_QUESTIONS:
        found.append(field_error("questions", f"1..{MAX_QUESTIONS} questions",
                                 len(form.questions), "wrong number of questions"))
    if form.sms_prefix is not None and not SMS_PREFIX.match(form.sms_prefix):
        found.append(field_error("sms_prefix", "one capital letter other than P and V",
                                 form.sms_prefix, "bad text-message letter"))
    seen: set[str] = set()
    for q in form.questions:
        if not QUESTION_ID.match(q.id) or q.id in expr.KEYWORDS:
            found.append(field_error(f"questions.{q.id}", "a-z, 0-9, _ (starting with a "
                                     "letter, not and/or/not/true/false)", q.id, "bad id"))
        if q.id in seen:
            found.append(field_error(f"questions.{q.id}", "unique ids", q.id,
                                     "the id is used twice"))
        seen.add(q.id)
        if (q.type is QuestionType.CHOICE) != bool(q.choices):
            found.append(field_error(f"questions.{q.id}.choices",
                                     "choices for a choice question, none otherwise",
                                     list(q.choices), "choices do not fit the type"))
    kinds = {q.id: (expr.Kind.BOOL if q.type is QuestionType.YES_NO else expr.Kind.INT)
             for q in form.questions if q.type is not QuestionType.TEXT}
    parsed: dict[str, expr.Node] = {}
    for i, r in enumerate(form.rules):
        try:
            parsed[r.expression] = expr.check_rule(r.expression, kinds)
        except ValidationFailed as exc:
            found.append(field_error(f"rules[{i}]", str(exc.details.get("expected")),
                                     r.expression, exc.message))
    if found:
        raise ValidationFailed(f"the form {form.id!r} is not sound: {len(found)} problem(s)",
                               code="form_invalid", details={"findings": found})
    return parsed


def _answer(q: Question, value: object) -> tuple[int | bool | str | None, str | None]:  # noqa: PLR0911 (one return per question type and outcome)
    """(the answer as a value, or the problem in words)."""
    if q.type is QuestionType.YES_NO:
        if isinstance(value, bool):
            return value, None
        return None, "a yes/no answer (true or false)"
    if q.type is QuestionType.TEXT:
        if isinstance(value, str) and len(value) <= MAX_TEXT:
            return value, None
        return None, f"text of at most {MAX_TEXT} characters"
    if isinstance(value, bool) or not isinstance(value, int):
        return None, "a whole number"
    if q.type is QuestionType.CHOICE:
        if 1 <= value <= len(q.choices):
            return value, None
        return None, f"a choice's number, 1..{len(q.choices)}"
    if 0 <= value <= MAX_INT:
        return value, None
    return None, f"a whole number 0..{MAX_INT:,}"


@dataclass(frozen=True, slots=True)
class Checked:
    """A submission's answers as values, and the rules that failed or could not be read."""

    answers: Mapping[str, int | bool | str]
    failed_rules: tuple[Rule, ...] = ()
    skipped_rules: tuple[Rule, ...] = field(default=())


def check_answers(form: Form, answers: Mapping[str, object]) -> Checked:
    """Every problem of `answers` at once (unknown question, wrong type, required missing,
    failed rule), raised as one ValidationFailed (`answers_invalid`) with a finding per field;
    otherwise the answers as values."""
    found: list[dict[str, Any]] = []
    values: dict[str, int | bool | str] = {}
    for key, value in answers.items():
        q = form.question(key)
        if q is None:
            found.append(field_error(key, f"a question of form {form.id}", key,
                                     f"form {form.id!r} has no question {key!r}"))
            continue
        got, problem = _answer(q, value)
        if problem is not None:
            found.append(field_error(key, problem, value, f"{q.label}: expected {problem}"))
        elif got is not None:
            values[key] = got
    for q in form.questions:
        if q.required and q.id not in answers:
            found.append(field_error(q.id, "an answer", None, f"{q.label}: an answer is "
                                     "required"))
    failed: list[Rule] = []
    skipped: list[Rule] = []
    if not found:
        parsed = check_form(form)
        scalar = {k: v for k, v in values.items() if not isinstance(v, str)}
        for r in form.rules:
            try:
                ok = expr.evaluate(parsed[r.expression], scalar)
            except expr.Skipped:
                skipped.append(r)
                continue
            if not ok:
                failed.append(r)
                found.append(field_error(
                    ", ".join(sorted(expr.names(parsed[r.expression]))) or "rule",
                    r.expression, {n: scalar.get(n) for n in
                                   sorted(expr.names(parsed[r.expression]))},
                    r.message or f"the rule {r.expression} does not hold"))
    if found:
        raise ValidationFailed(f"{len(found)} problem(s) in the answers to form {form.id!r}",
                               code="answers_invalid", details={"findings": found})
    return Checked(values, tuple(failed), tuple(skipped))


def default_forms() -> Sequence[Form]:
    """The central commission's forms for a demo or a first election: opening, voting,
    counting (with the rule the issue names) and incident. A mission may define its own."""
    yn, integer = QuestionType.YES_NO, QuestionType.INTEGER
    return (
        Form("opening", FormKind.OPENING, "Opening", (
            Question("opened_on_time", yn, "The station opened on time", required=True),
            Question("boxes_sealed", yn, "The ballot boxes were empty and sealed",
                     required=True),
            Question("observers_admitted", yn, "Observers were admitted freely"),
        ), sms_prefix="A"),
        Form("voting", FormKind.VOTING, "Voting", (
            Question("registered", integer, "Voters on the list"),
            Question("ballots_issued", integer, "Ballots issued so far"),
            Question("secrecy_ok", yn, "The secrecy of the vote was respected"),
            Question("queue", QuestionType.CHOICE, "Queue", ("none", "short", "long")),
        ), (Rule("ballots_issued <= registered",
                 "more ballots issued than voters on the list"),), sms_prefix="B"),
        Form("counting", FormKind.COUNTING, "Counting", (
            Question("count_public", yn, "Observers could see the count", required=True),
            Question("protocol_posted", yn, "The protocol was posted for the public"),
            Question("copy_given", yn, "Observers received a certified copy"),
        ), sms_prefix="C"),
        Form("incident", FormKind.INCIDENT, "Incident", (
            Question("category", QuestionType.CHOICE, "Category",
                     ("ballot stuffing", "multiple voting", "pressure on voters",
                      "observer obstructed", "protocol irregularity", "other"),
                     required=True),
            Question("severity", QuestionType.CHOICE, "Severity", ("low", "medium", "high"),
                     required=True),
            Question("description", QuestionType.TEXT, "What happened", required=True),
        ), sms_prefix="I"),
    )
