"""The observation wing's pure rules (issue 12): missions and accreditation, deployment and
who may report, forms and their rule language, the text-message format, the comparison."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from saylau.domain.errors import Forbidden, TooLarge, ValidationFailed
from saylau.domain.observation import comparison as cmp
from saylau.domain.observation import expr, sms
from saylau.domain.observation.forms import (
    Form,
    FormKind,
    Question,
    QuestionType,
    Rule,
    check_answers,
    default_forms,
)
from saylau.domain.observation.missions import (
    ASTANA,
    Deployment,
    Mission,
    ObservationRules,
    Organisation,
    Status,
    badge_number,
    check_deadline,
    check_deployment,
    check_mission,
    may_report,
    move,
)
from saylau.services.observation import photos

# --- missions and accreditation --------------------------------------------------------------


def test_organisations_are_international_or_domestic() -> None:
    assert Organisation.ODIHR.kind == "international"
    assert Organisation.OIC.kind == "international"
    assert Organisation.PARTY.kind == "domestic"
    assert Organisation.ASSOCIATION.kind == "domestic"


def test_accreditation_moves_and_reasons() -> None:
    assert move(Status.APPLIED, Status.ACCREDITED, observer="X-0001") is Status.ACCREDITED
    assert move(Status.ACCREDITED, Status.REVOKED, observer="X-0001",
                reason="left the station") is Status.REVOKED
    with pytest.raises(ValidationFailed) as e:
        move(Status.APPLIED, Status.REFUSED, observer="X-0001", reason=" ")
    assert e.value.code == "reason_missing"
    with pytest.raises(ValidationFailed) as e:
        move(Status.REVOKED, Status.ACCREDITED, observer="X-0001")
    assert e.value.code == "accreditation_state"
    assert e.value.details["current"] == "revoked"


def test_deadline_is_a_parameter_and_binds_international_only_by_default() -> None:
    rules = ObservationRules()
    day = date(2022, 6, 5)
    assert rules.deadline(day) == datetime(2022, 5, 31, 18, 0, tzinfo=ASTANA)
    odihr = Mission("ODIHR", "OSCE/ODIHR", Organisation.ODIHR)
    ngo = Mission("NGO-ADAL", "Adal", Organisation.ASSOCIATION)
    check_deadline(rules, odihr, day, datetime(2022, 5, 31, 17, 59, tzinfo=ASTANA))
    with pytest.raises(Forbidden) as e:
        check_deadline(rules, odihr, day, datetime(2022, 5, 31, 18, 0, tzinfo=ASTANA))
    assert e.value.code == "accreditation_closed"
    check_deadline(rules, ngo, day, datetime(2022, 6, 4, tzinfo=ASTANA))
    strict = ObservationRules.from_params({"observation.deadline_binds_domestic": "true",
                                           "observation.deadline_days": "6"})
    assert strict.deadline(day) == datetime(2022, 5, 30, 18, 0, tzinfo=ASTANA)
    with pytest.raises(Forbidden):
        check_deadline(strict, ngo, day, datetime(2022, 6, 4, tzinfo=ASTANA))


def test_rules_explain_their_readings() -> None:
    lines = ObservationRules(deadline_days=6, deadline_time=time(12, 0), per_station=2
                             ).explain(date(2023, 3, 19))
    text = "\n".join(lines)
    assert "6 days before voting day at 12:00" in text
    assert "2023-03-13T12:00:00+05:00" in text
    assert "At most 2 observer(s)" in text
    assert text.count("UNVERIFIED") == 3
    assert "docs/law.md §14.3" in text


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        ObservationRules.from_params({"observation.per_station": "0"})
    with pytest.raises(ValidationFailed):
        ObservationRules.from_params({"observation.deadline_time": "25:99"})


def test_mission_codes_and_badges() -> None:
    check_mission(Mission("CIS", "CIS mission", Organisation.CIS))
    with pytest.raises(ValidationFailed) as e:
        check_mission(Mission("c", "", Organisation.CIS))
    assert {f["field"] for f in e.value.details["findings"]} == {"code", "name"}
    assert badge_number("ODIHR", 7) == "ODIHR-0007"


def test_deployment_limit_per_mission_per_station() -> None:
    rules = ObservationRules()
    others = [Deployment("CIS-0001", "S1", "CIS"), Deployment("ODIHR-0001", "S1", "ODIHR")]
    check_deployment(rules, Status.ACCREDITED, "NGO-0001", "S1", "NGO", others)
    with pytest.raises(ValidationFailed) as e:
        check_deployment(rules, Status.ACCREDITED, "CIS-0002", "S1", "CIS", others)
    assert e.value.code == "per_station_limit"
    assert "CIS-0001" in e.value.message
    check_deployment(ObservationRules(per_station=2), Status.ACCREDITED, "CIS-0002", "S1",
                     "CIS", others)
    with pytest.raises(ValidationFailed) as e:
        check_deployment(rules, Status.APPLIED, "NGO-0001", "S1", "NGO", [])
    assert e.value.code == "not_accredited"


@pytest.mark.parametrize(("status", "deployed", "code"), [
    (None, frozenset({"S1"}), "observer_not_accredited"),
    (Status.APPLIED, frozenset({"S1"}), "observer_not_accredited"),
    (Status.REFUSED, frozenset(), "observer_refused"),
    (Status.REVOKED, frozenset({"S1"}), "observer_revoked"),
    (Status.ACCREDITED, frozenset({"S2"}), "observer_not_deployed"),
    (Status.ACCREDITED, frozenset(), "observer_not_deployed"),
])
def test_who_may_report_says_why_not(status: Status | None, deployed: frozenset[str],
                                     code: str) -> None:
    with pytest.raises(Forbidden) as e:
        may_report("X-0001", status, deployed, "S1")
    assert e.value.code == code


def test_deployed_accredited_observer_may_report() -> None:
    may_report("X-0001", Status.ACCREDITED, frozenset({"S1"}), "S1")


# --- the rule language -----------------------------------------------------------------------

KINDS = {"registered": expr.Kind.INT, "ballots_issued": expr.Kind.INT,
         "ok": expr.Kind.BOOL, "late": expr.Kind.BOOL}


@pytest.mark.parametrize(("rule", "answers", "value"), [
    ("ballots_issued <= registered", {"ballots_issued": 5, "registered": 10}, True),
    ("ballots_issued <= registered", {"ballots_issued": 11, "registered": 10}, False),
    ("registered - ballots_issued >= 0", {"ballots_issued": 3, "registered": 3}, True),
    ("ok and not late", {"ok": True, "late": False}, True),
    ("ok and not late", {"ok": True, "late": True}, False),
    ("not ok or registered == 0", {"ok": True, "registered": 0}, True),
    ("-registered + 5 > 0", {"registered": 4}, True),
    ("(1 + 2) == 3 and true", {}, True),
    ("ok != late", {"ok": True, "late": True}, False),
])
def test_rules_evaluate(rule: str, answers: dict[str, int | bool], value: bool) -> None:
    node = expr.check_rule(rule, KINDS)
    assert expr.evaluate(node, answers) is value


@pytest.mark.parametrize(("rule", "code"), [
    ("ballots_issued <=", "rule_syntax"),
    ("__import__('os')", "rule_syntax"),
    ("registered.__class__", "rule_syntax"),
    ("(registered", "rule_syntax"),
    ("1 < 2 < 3", "rule_syntax"),
    ("registered ** 2 > 0", "rule_syntax"),
    ("open(1)", "rule_syntax"),
    ("unknown > 1", "rule_unknown_name"),
    ("ok + 1 > 0", "rule_type"),
    ("registered and ok", "rule_type"),
    ("registered + 1", "rule_type"),
    ("ok == 1", "rule_type"),
    ("", "rule_syntax"),
    ("1" * 13 + " > 0", "rule_syntax"),
    ("x" * 501, "rule_too_long"),
    ("(" * 70 + "1" + ")" * 70 + " > 0", "rule_syntax"),
    ("not " * 70 + "ok", "rule_syntax"),
])
def test_bad_rules_are_refused_with_their_position(rule: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as e:
        expr.check_rule(rule, KINDS)
    assert e.value.code == code
    assert e.value.details["field"] == "rule"


def test_unanswered_question_skips_the_rule() -> None:
    node = expr.check_rule("ballots_issued <= registered", KINDS)
    with pytest.raises(expr.Skipped):
        expr.evaluate(node, {"ballots_issued": 3})


# --- forms -----------------------------------------------------------------------------------


def test_default_forms_are_sound_and_check_answers() -> None:
    voting = next(f for f in default_forms() if f.id == "voting")
    ok = check_answers(voting, {"registered": 100, "ballots_issued": 60, "queue": 2})
    assert ok.answers["queue"] == 2
    with pytest.raises(ValidationFailed) as e:
        check_answers(voting, {"registered": 100, "ballots_issued": 160})
    (finding,) = e.value.details["findings"]
    assert finding["expected"] == "ballots_issued <= registered"
    assert finding["actual"] == {"ballots_issued": 160, "registered": 100}
    assert "more ballots issued" in finding["message"]


def test_every_bad_answer_is_named_at_once() -> None:
    opening = next(f for f in default_forms() if f.id == "opening")
    with pytest.raises(ValidationFailed) as e:
        check_answers(opening, {"opened_on_time": "yes", "nonsense": 1})
    fields = {f["field"] for f in e.value.details["findings"]}
    assert fields == {"opened_on_time", "nonsense", "boxes_sealed"}


def test_choice_integer_and_text_bounds() -> None:
    incident = next(f for f in default_forms() if f.id == "incident")
    with pytest.raises(ValidationFailed) as e:
        check_answers(incident, {"category": 9, "severity": True, "description": "x" * 2001})
    assert {f["field"] for f in e.value.details["findings"]} == {
        "category", "severity", "description"}


def test_unsound_form_is_refused_with_every_problem() -> None:
    with pytest.raises(ValidationFailed) as e:
        Form.from_dict({"id": "Bad Id", "kind": "party", "title": "",
                        "questions": [{"id": "a", "type": "yes_no"},
                                      {"id": "a", "type": "choice"},
                                      {"id": "n", "type": "integer"}],
                        "rules": [{"expression": "n or n", "message": "m"},
                                  {"expression": "zz > 1", "message": "m"}],
                        "sms_prefix": "P"})
    fields = [f["field"] for f in e.value.details["findings"]]
    for want in ("id", "kind", "title", "sms_prefix", "questions.a", "questions.a.choices",
                 "rules[0]", "rules[1]"):
        assert want in fields, (want, fields)


def test_form_round_trips_through_plain_data() -> None:
    form = Form("f1", FormKind.VOTING, "T", (Question("n", QuestionType.INTEGER, "N"),),
                (Rule("n >= 0", "neg"),), "B")
    assert Form.from_dict(form.as_dict()) == form


# --- the text-message format -----------------------------------------------------------------


def test_sms_example_parses_and_maps_onto_forms() -> None:
    msg = sms.parse("obs 1234  kz-71-s0042 A1Y A2N B2=512 P3=700 V1=400")
    assert (msg.badge, msg.station) == ("1234", "KZ-71-S0042")
    got = sms.interpret(msg, default_forms(), ["yes", "no"])
    assert got.answers == {"opening": {"opened_on_time": True, "boxes_sealed": False},
                           "voting": {"ballots_issued": 512}}
    assert got.copy == {"ballots_issued": 700, "votes.yes": 400}


@pytest.mark.parametrize(("text", "needle"), [
    ("", "starts with OBS"),
    ("HELLO 1 2", "starts with OBS"),
    ("OBS", "badge and station missing"),
    ("OBS 1234", "station missing"),
    ("OBS 1234 KZ-71-S0042", "no answers"),
    ("OBS 1234 KZ-71-S0042 A1Y A1N", "A1 is answered twice"),
    ("OBS 1234 KZ-71-S0042 A1", "'A1' is not an answer"),
    ("OBS 1234 KZ-71-S0042 A1=99999999999", "at most 10 digits"),
    ("OBS 12_4 KZ-71-S0042 A1Y", "badge"),
    ("OBS 1234 KZ/71 A1Y", "station"),
    ("OBS 1234 KZ-71-S0042 Z1Y", "no form has letter Z"),
    ("OBS 1234 KZ-71-S0042 A9Y", "form opening has questions A1-A3"),
    ("OBS 1234 KZ-71-S0042 A1=3", "expected A1Y or A1N"),
    ("OBS 1234 KZ-71-S0042 B1Y", "expected B1=<number>"),
    ("OBS 1234 KZ-71-S0042 I3Y", "takes text"),
    ("OBS 1234 KZ-71-S0042 P9=1", "no such protocol field"),
    ("OBS 1234 KZ-71-S0042 P1Y", "a protocol figure is a number"),
    ("OBS 1234 KZ-71-S0042 " + "A1Y " * 200, "at most 480"),
])
def test_every_malformed_message_gets_a_clear_reply(text: str, needle: str) -> None:
    with pytest.raises(sms.SmsError) as e:
        sms.interpret(sms.parse(text), default_forms(), ["yes", "no"])
    assert e.value.reply.startswith("ERR ")
    assert needle in e.value.reply, e.value.reply


def test_reply_lists_three_problems_and_counts_the_rest() -> None:
    with pytest.raises(sms.SmsError) as e:
        sms.parse("OBS 1 S1 x1 x2 x3 x4 x5")
    assert e.value.reply.endswith("(+2 more)")
    assert len(e.value.problems) == 5


# --- the comparison --------------------------------------------------------------------------

OFFICIAL = {"registered": 1000, "ballots_issued": 700, "votes.yes": 500, "votes.no": 180}


def test_matches() -> None:
    c = cmp.compare("S1", OFFICIAL, [("A-0001", dict(OFFICIAL)), ("B-0001", dict(OFFICIAL))])
    assert c is not None
    assert c.status is cmp.Status.MATCHES
    assert c.groups[0].observers == ("A-0001", "B-0001")


def test_differs_names_each_field_and_both_numbers() -> None:
    copy = dict(OFFICIAL, **{"votes.yes": 450, "ballots_issued": 650})
    c = cmp.compare("S1", OFFICIAL, [("A-0001", copy)])
    assert c is not None
    assert c.status is cmp.Status.DIFFERS
    assert [d.as_dict() for d in c.differences] == [
        {"field": "ballots_issued", "official": 700, "observer": 650},
        {"field": "votes.yes", "official": 500, "observer": 450}]


def test_a_field_one_side_lacks_is_a_difference_with_none() -> None:
    copy = {k: v for k, v in OFFICIAL.items() if k != "votes.no"}
    c = cmp.compare("S1", OFFICIAL, [("A-0001", copy)])
    assert c is not None
    assert [d.as_dict() for d in c.differences] == [
        {"field": "votes.no", "official": 180, "observer": None}]


def test_missing_sides() -> None:
    a = cmp.compare("S1", None, [("A-0001", OFFICIAL)])
    b = cmp.compare("S1", OFFICIAL, [])
    assert a is not None and a.status is cmp.Status.OFFICIAL_MISSING
    assert b is not None and b.status is cmp.Status.OBSERVER_MISSING
    assert cmp.compare("S1", None, []) is None


def test_conflict_keeps_both_versions() -> None:
    other = dict(OFFICIAL, **{"votes.no": 230})
    c = cmp.compare("S1", OFFICIAL, [("A-0001", OFFICIAL), ("B-0001", other),
                                     ("C-0001", other)])
    assert c is not None
    assert c.status is cmp.Status.CONFLICT
    assert [g.observers for g in c.groups] == [("B-0001", "C-0001"), ("A-0001",)]
    assert c.groups[0].differences[0].as_dict() == {"field": "votes.no", "official": 180,
                                                    "observer": 230}
    assert c.groups[1].differences == ()
    assert cmp.summary([c])["conflict"] == 1


# --- photos ----------------------------------------------------------------------------------

def _png(*extra: bytes) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    return (photos.PNG_SIGNATURE + chunk(b"IHDR", ihdr) + b"".join(
        chunk(k, d) for k, d in zip(extra[::2], extra[1::2], strict=True))
        + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def _jpeg(with_exif: bool) -> bytes:
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    exif = b"Exif\x00\x00GPS 43.2N 76.9E"
    app1 = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    return b"\xff\xd8" + app0 + (app1 if with_exif else b"") + sos + b"\x12\x34\xff\xd9"


def test_png_text_and_exif_chunks_are_stripped() -> None:
    dirty = _png(b"tEXt", b"Author\x00Observer Name", b"eXIf", b"MM\x00*GPS")
    got = photos.accept_photo(dirty)
    assert got.media_type == "image/png"
    assert got.removed == 2
    assert got.data == _png()
    assert b"Observer Name" not in got.data


def test_jpeg_exif_is_stripped_and_the_hash_is_of_the_clean_bytes() -> None:
    got = photos.accept_photo(_jpeg(True))
    assert got.removed == 1
    assert got.data == _jpeg(False)
    assert b"GPS" not in got.data
    import hashlib
    assert got.sha256 == hashlib.sha256(_jpeg(False)).hexdigest()


@pytest.mark.parametrize(("data", "code"), [
    (b"GIF89a....", "photo_invalid"),
    (b"<svg onload=alert(1)>", "photo_invalid"),
    (b"", "photo_invalid"),
    (photos.PNG_SIGNATURE + b"\x00\x00", "photo_invalid"),
    (_png()[:-3], "photo_invalid"),
    (_png().replace(b"IDAT", b"IDAU"), "photo_invalid"),
    (_jpeg(False)[:-2], "photo_invalid"),
    (b"\xff\xd8\xff\xe1\xff\xff", "photo_invalid"),
])
def test_what_is_not_an_image_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(ValidationFailed) as e:
        photos.accept_photo(data)
    assert e.value.code == code


def test_too_large_photo_is_refused_before_reading() -> None:
    with pytest.raises(TooLarge):
        photos.accept_photo(_png(), limit=10)


# --- the record ------------------------------------------------------------------------------

def _copy_leaf(version: int, yes: int, reason: str | None = None) -> dict[str, object]:
    from saylau.domain.observation.record import copy_record

    return copy_record(election="e", contest="c", station="S1", badge="A-0001", mission="A",
                       version=version, figures={"registered": 10, "votes.yes": yes},
                       reason=reason, photo=None, recorded_by="obs:e:A-0001",
                       recorded_at="2022-06-05T15:00:00Z")


def test_derive_takes_the_latest_copy_and_refuses_versions_out_of_order() -> None:
    from saylau.domain.observation.record import DerivationFailed, derive

    official = {"type": "protocol", "body": {"contest": "c", "station": "S1", "version": 1,
                                             "counts": {"registered": 10},
                                             "votes": {"yes": 7}}}
    got = derive(enumerate([_copy_leaf(1, 6), official, _copy_leaf(2, 7, "misread")]))
    (c,) = got.comparisons.values()
    assert c.status is cmp.Status.MATCHES
    with pytest.raises(DerivationFailed) as e:
        derive(enumerate([_copy_leaf(1, 6), _copy_leaf(3, 7, "skipped")]))
    assert e.value.details["expected"] == 2
    with pytest.raises(ValidationFailed):
        _copy_leaf(2, 7)  # a correction without a reason is no record
