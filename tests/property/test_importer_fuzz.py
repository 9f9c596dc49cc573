"""Every importer, fed garbage and mutations of valid input, either succeeds or refuses with one
of saylau's own errors (a SaylauError) whose message says what is wrong; never any other
exception (a crash, a traceback in the operator's terminal, a 500 behind the API).

Importers: the geography CSV (domain/geography_csv), the protocols CSV (domain/protocol_csv and
the bulk import of services/bulk), public keys (hex in key records and registration, PEM files
through services/keys), the record verifier (domain/record/verify, and `saylau verify DIR` on
an exported record directory) and the Russia 2020 importer (importers/russia2020).

Inputs: random bytes and text, and valid files mutated: a byte flipped, inserted or deleted,
the file cut short, a line dropped, duplicated or swapped, a column dropped, a field replaced
by a huge or negative number, NUL, a quote, a BOM, other line ends (CRLF, CR), other encodings
(UTF-16, CP1251). Records are also mutated as JSON (a member dropped or of another type) and
re-encoded canonically, so that they get past the parser to the checks behind it.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed448, rsa, x25519
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from saylau.domain.access import Principal, Role
from saylau.domain.contests import QUESTION_2022, referendum_contest
from saylau.domain.errors import ImportFailed, SaylauError
from saylau.domain.geography_csv import geography_to_csv, parse_geography_csv
from saylau.domain.ids import ActorId, ContestId, ElectionId, UnitId
from saylau.domain.names import Names
from saylau.domain.protocol_csv import parse_protocols_csv
from saylau.domain.record.canonical import canonical_bytes
from saylau.domain.record.merkle import TreeHead
from saylau.domain.record.signing import public_key_from_hex
from saylau.domain.record.verify import verify_receipt, verify_record
from saylau.importers import russia2020, russia_cec
from saylau.services import record as record_svc
from saylau.services.bulk import import_protocols
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography
from saylau.services.imports import load_russia_2020, load_russia_cec
from saylau.services.keys import (
    generate_keypair,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_pem,
)
from saylau.services.protocols import submit_protocol
from tests.conftest import central_key_at, small_country
from tests.integration.support import protocol

T = TypeVar("T")
pytestmark = pytest.mark.filterwarnings(
    "ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")
"""A failing example may hold a field of 140,000 characters: shown all the same."""
ADMIN = Principal(ActorId("cec"), Role.ADMIN)
EXAMPLES = int(os.environ.get("SAYLAU_FUZZ_EXAMPLES", "150"))
"""Examples per importer (more for a deeper run: SAYLAU_FUZZ_EXAMPLES=5000)."""
RANDOM = os.environ.get("SAYLAU_FUZZ_RANDOM") == "1"
"""CI runs the same examples every time (derandomized), so a red run is reproducible and never
a roll of the dice; a deeper exploration is run by hand with new random examples:
SAYLAU_FUZZ_RANDOM=1 SAYLAU_FUZZ_EXAMPLES=5000 (how the OpenSSL InternalError on a mutated key
file was found)."""
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
SLOW_FUZZ = settings(FUZZ, max_examples=max(EXAMPLES // 4, 10))
"""For the importers that write to a store, and the verifier of a whole record."""


def clean(call: Callable[[], T]) -> T | SaylauError:
    """The call's value, or the SaylauError it raised after checking that the error says what
    is wrong: a message, and for a refused file, every bad row with its field (and line, where
    the problem has one). Any other exception propagates: that is the failure."""
    try:
        return call()
    except SaylauError as exc:
        error = exc
    assert isinstance(error.message, str) and error.message.strip(), error
    assert error.code
    if isinstance(error, ImportFailed):
        assert error.rows, error.message
        for row in error.rows:
            assert str(row.get("field") or "").strip(), row
            assert str(row.get("message") or "").strip(), row
            line = row.get("line")
            assert line is None or (isinstance(line, int) and line >= 1), row
    json.dumps(error.details, default=repr)  # the API echoes details: they must serialise
    return error


# --- mutations ------------------------------------------------------------------------------

ODD_VALUES = [b"", b"-1", b"-0", b"99999999999999999999999", b"1e9", b"0x10", b"1,5", b" 7 ",
              b"\x00", b'"', b'"unterminated', b"\xef\xbb\xbf", b"\xff\xfe", b"\xd0",
              b"NaN", b"\xe2\x80\xa8", b"\r", b"+5", b"\xd9\xa3", b"x" * 300,
              b'"' + b"y" * 140_000 + b'"']
"""Field values that break parsers: empty, signs, huge numbers, NUL, quotes, a BOM, bytes
that are not UTF-8, a line separator, a lone CR, Arabic-Indic digits, a long text, and a
field longer than the csv module's limit (131,072 characters)."""


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def mutated(draw: st.DrawFn, valid: bytes) -> bytes:
    """`valid` with one to three mutations."""
    data = valid
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from([
            "flip", "insert", "delete", "truncate", "drop line", "duplicate line",
            "swap lines", "drop column", "odd field", "bom", "crlf", "cr", "encoding",
            "append", "quote"]))
        n = max(len(data), 1)
        at = draw(st.integers(0, n - 1))
        if kind == "flip" and data:
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 16)):]
        elif kind == "truncate":
            data = data[:at]
        elif kind in ("drop line", "duplicate line", "swap lines"):
            lines = _lines(data)
            i, j = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
            if kind == "drop line":
                del lines[i]
            elif kind == "duplicate line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif kind in ("drop column", "odd field"):
            lines = [line.split(b",") for line in _lines(data)]
            col = draw(st.integers(0, 10))
            value = draw(st.sampled_from(ODD_VALUES))
            only = draw(st.none() | st.integers(0, len(lines) - 1))
            for k, cells in enumerate(lines):
                if col < len(cells) and only in (None, k):
                    if kind == "drop column":
                        del cells[col]
                    else:
                        cells[col] = value
            data = b"\n".join(b",".join(cells) for cells in lines)
        elif kind == "bom":
            data = b"\xef\xbb\xbf" + data
        elif kind == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif kind == "cr":
            data = data.replace(b"\n", b"\r")
        elif kind == "encoding":
            text = data.decode("utf-8", errors="replace")
            codec = draw(st.sampled_from(["utf-16", "utf-16-be", "cp1251", "latin-1"]))
            data = text.encode(codec, errors="replace")
        elif kind == "append":
            data += draw(st.binary(max_size=64))
        elif kind == "quote":
            data = data[:at] + b'"' + data[at:]
    return data


def inputs(valid: bytes) -> st.SearchStrategy[bytes]:
    """Garbage, text, and mutations of `valid` (most often)."""
    return st.one_of(
        st.binary(max_size=400),
        st.text(max_size=200).map(str.encode),
        mutated(valid), mutated(valid), mutated(valid),
    )


# --- the geography CSV -----------------------------------------------------------------------

GEOGRAPHY = geography_to_csv(small_country()).encode()


@FUZZ
@given(data=inputs(GEOGRAPHY))
def test_the_geography_csv_importer_refuses_cleanly(data: bytes) -> None:
    clean(lambda: parse_geography_csv(data))


def test_the_mutations_do_reach_the_geography_checks() -> None:
    """The fuzzing is not vacuous: the valid file parses, and a mutated one is refused naming
    its line and field."""
    assert len(parse_geography_csv(GEOGRAPHY).units) == len(small_country().units)
    line = GEOGRAPHY.split(b"\n").index(next(x for x in GEOGRAPHY.split(b"\n")
                                              if b",1010," in x)) + 1
    bad = GEOGRAPHY.replace(b",1010,", b",-5,", 1)
    err = clean(lambda: parse_geography_csv(bad))
    assert isinstance(err, ImportFailed)
    assert [(r["field"], r["line"]) for r in err.rows] == [("registered", line)]


# --- the protocols CSV -----------------------------------------------------------------------

CONTEST = referendum_contest(ContestId("ref.referendum"), ElectionId("ref"), QUESTION_2022,
                             constitutional=True, area=UnitId("KZ"))
COLUMNS = ["station", "registered", "ballots_received", "ballots_issued", "ballots_cancelled",
           "ballots_in_boxes", "invalid", "both_marked", "yes", "no"]


def _protocols_csv(stations: list[tuple[str, int]]) -> bytes:
    rows = [",".join(COLUMNS)]
    for station, registered in stations:
        p = protocol(station, registered)
        rows.append(",".join(str(p["votes"][c] if c in ("yes", "no") else p[c])
                             for c in COLUMNS))
    return ("\n".join(rows) + "\n").encode()


PROTOCOLS = _protocols_csv([(s.id, s.registered) for s in small_country().stations()])


@FUZZ
@given(data=inputs(PROTOCOLS))
def test_the_protocols_csv_parser_refuses_cleanly(data: bytes) -> None:
    clean(lambda: parse_protocols_csv(data, CONTEST))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[Saylau, str]]:
    """The small country and its referendum in a store (SQLite)."""
    app = Saylau.open(f"sqlite:///{tmp_path / 'fuzz.db'}")
    load_geography(app, small_country())
    _, contest = create_referendum(
        app, election_id="ref", name=Names.same("Referendum"), ruleset_name="kz-2022",
        date="2022-06-05", question=QUESTION_2022, constitutional=True, by=ActorId("cec"))
    yield app, contest.id
    app.engine.dispose()


@SLOW_FUZZ
@given(data=inputs(PROTOCOLS))
def test_the_bulk_import_refuses_cleanly(store: tuple[Saylau, str], data: bytes) -> None:
    app, contest = store
    clean(lambda: import_protocols(app, ADMIN, contest, data))


def test_the_bulk_import_takes_the_valid_file(store: tuple[Saylau, str]) -> None:
    app, contest = store
    report = import_protocols(app, ADMIN, contest, PROTOCOLS)
    assert report.accepted == len(list(small_country().stations()))
    # the same file again is unchanged; a row changed is refused, naming its line
    assert import_protocols(app, ADMIN, contest, PROTOCOLS).unchanged == report.accepted
    lines = PROTOCOLS.split(b"\n")
    lines[-2] = lines[-2].rsplit(b",", 1)[0] + b",x"
    err = clean(lambda: import_protocols(app, ADMIN, contest, b"\n".join(lines)))
    assert isinstance(err, ImportFailed)
    assert {(r["line"], r["field"]) for r in err.rows} == {
        (len(list(small_country().stations())) + 1, "no")}


# --- public keys ------------------------------------------------------------------------------

_, PUBLIC = generate_keypair()
PUBLIC_HEX = PUBLIC.hex()
_PRIVATE, _ = generate_keypair()
OTHER_KEYS = [rsa.generate_private_key(65537, 2048), ec.generate_private_key(ec.SECP256R1()),
              x25519.X25519PrivateKey.generate(), ed448.Ed448PrivateKey.generate()]
PEM_FILES: list[bytes] = [
    public_key_pem(PUBLIC),
    private_key_pem(_PRIVATE),
    private_key_pem(_PRIVATE, b"passphrase"),
    *(k.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
      for k in OTHER_KEYS),
    *(k.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()) for k in OTHER_KEYS),
    OTHER_KEYS[0].private_bytes(Encoding.PEM, PrivateFormat.TraditionalOpenSSL,
                                BestAvailableEncryption(b"x")),
    _PRIVATE.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo),
    _PRIVATE.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH),
    # an Ed25519 key whose algorithm identifier says 1.3.101.116: no algorithm cryptography
    # knows (it raised UnsupportedAlgorithm, which load_public_key let through)
    public_key_pem(PUBLIC).replace(b"MCowBQYDK2VwAyEA", b"MCowBQYDK2V0AyEA"),
]


@st.composite
def pem_mutations(draw: st.DrawFn) -> bytes:
    """A key file changed inside its base64 body (so that the DER in it changes: another
    algorithm's identifier, a wrong length), or as bytes."""
    pem = draw(st.sampled_from(PEM_FILES))
    lines = pem.splitlines(keepends=True)
    if draw(st.booleans()) and len(lines) > 2 and b":" not in pem and pem.startswith(b"---"):
        der = bytearray(base64.b64decode(b"".join(lines[1:-1])))
        for _ in range(draw(st.integers(1, 3))):
            der[draw(st.integers(0, len(der) - 1))] ^= draw(st.integers(1, 255))
        return lines[0] + base64.encodebytes(bytes(der)) + lines[-1]
    return draw(mutated(pem))


KEY_FILES = st.one_of(st.sampled_from(PEM_FILES), pem_mutations(), pem_mutations(),
                      st.binary(max_size=300))
HEX_TEXTS = st.one_of(
    st.text(max_size=80), st.text(alphabet="0123456789abcdefABCDEF ", min_size=60, max_size=70),
    st.sampled_from([PUBLIC_HEX, PUBLIC_HEX.upper(), "0x" + PUBLIC_HEX, PUBLIC_HEX[:-1],
                     PUBLIC_HEX + "0", f" {PUBLIC_HEX}", PUBLIC_HEX + "\n", "\x00" * 64]),
    st.binary(min_size=32, max_size=32).map(bytes.hex),  # not always a point of the curve
)


@FUZZ
@given(text=HEX_TEXTS)
def test_a_public_key_in_hex_is_read_or_refused_cleanly(text: str) -> None:
    key = clean(lambda: public_key_from_hex(text))
    assert isinstance(key, SaylauError) or (len(key) == 32 and key.hex() == text)


@FUZZ
@given(data=KEY_FILES, passphrase=st.sampled_from([None, b"passphrase", b"wrong"]))
def test_a_key_file_is_read_or_refused_cleanly(data: bytes, passphrase: bytes | None) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "key.pem"
        path.write_bytes(data)
        public = clean(lambda: load_public_key(path))
        assert isinstance(public, SaylauError) or len(public) == 32
        clean(lambda: load_private_key(path, passphrase))


def test_a_key_path_that_is_no_file_is_refused_cleanly(tmp_path: Path) -> None:
    for path in (tmp_path, tmp_path / "missing.pem"):
        assert isinstance(clean(lambda path=path: load_public_key(path)), SaylauError)
        assert isinstance(clean(lambda path=path: load_private_key(path)), SaylauError)


@SLOW_FUZZ
@given(unit=st.sampled_from(["KZ-71-D0-S0", "KZ-71", "KZ", "nowhere", "", "\x00"])
       | st.text(max_size=20), text=HEX_TEXTS)
def test_key_registration_refuses_cleanly(store: tuple[Saylau, str], unit: str,
                                          text: str) -> None:
    app, _ = store
    clean(lambda: record_svc.register_key(app, "ref", unit, text, "cec"))


# --- the record and its verifier ---------------------------------------------------------------


@pytest.fixture(scope="module")
def record_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An exported record: the small country's referendum, protocols (one corrected), a
    commission key; its central key beside it."""
    d = tmp_path_factory.mktemp("record")
    with central_key_at(d / "central.pem"):
        app = Saylau.open(f"sqlite:///{d / 'r.db'}")
        geo = small_country()
        load_geography(app, geo)
        _, c = create_referendum(app, election_id="ref", name=Names.same("R"),
                                 ruleset_name="kz-2022", date="2022-06-05",
                                 question=QUESTION_2022, constitutional=True,
                                 by=ActorId("cec"))
        import_protocols(app, ADMIN, c.id, PROTOCOLS)
        first = next(iter(geo.stations()))
        from saylau.domain.protocols import ProtocolCounts

        p = protocol(first.id, first.registered, yes=1)
        submit_protocol(app, ADMIN, c.id, first.id, ProtocolCounts.of(
            votes=p.pop("votes"), **{k: v for k, v in p.items() if k != "station"}),
            correction=True, corrects=1, reason="recount")
        record_svc.register_key(app, "ref", first.id, PUBLIC_HEX, "cec")
        record_svc.export_record(app, "ref", d / "record")
        app.engine.dispose()
        yield d / "record"


def _verify(directory: Path) -> Any:
    """The verifier's functions on the files, as `saylau verify DIR` calls them; None when a
    file cannot even be read (not hex, UTF-8 or JSON: the command's own reading says so)."""
    try:
        central = bytes.fromhex((directory / "central.pub").read_bytes().decode().strip())
        heads = json.loads((directory / "tree-heads.json").read_bytes())
        published = json.loads((directory / "results.json").read_bytes())
    except ValueError:
        return None
    if not isinstance(heads, list):
        return None
    leaves = (directory / "leaves.jsonl").read_bytes().split(b"\n")[:-1]
    return verify_record(leaves, [TreeHead.from_json(h) for h in heads], central, published)


def test_the_exported_record_verifies(record_dir: Path) -> None:
    _, verified = _verify(record_dir)
    assert verified.election == "ref"
    assert CliRunner().invoke(_cli(), ["verify", str(record_dir)]).exit_code == 0


def _cli() -> Any:
    from saylau.cli.main import app

    return app


@st.composite
def json_mutation(draw: st.DrawFn, value: Any) -> Any:
    """`value` (parsed JSON) with one member or item dropped or replaced by another type."""
    if isinstance(value, dict) and value and draw(st.integers(0, 3)):
        key = draw(st.sampled_from(sorted(value)))
        out = dict(value)
        if draw(st.integers(0, 4)) == 0:
            del out[key]
        else:
            out[key] = draw(json_mutation(value[key]))
        return out
    if isinstance(value, list) and value and draw(st.integers(0, 3)):
        i = draw(st.integers(0, len(value) - 1))
        out_list = list(value)
        out_list[i] = draw(json_mutation(value[i]))
        return out_list
    return draw(st.one_of(
        st.none(), st.booleans(), st.integers(-(2**60), 2**60), st.just(-1),
        st.text(max_size=10), st.just([]), st.just({}), st.just("KZ"),
        st.just({"kk": "a", "ru": "b", "en": "c"})))


FILES = ["leaves.jsonl", "tree-heads.json", "central.pub", "results.json"]


@SLOW_FUZZ
@given(data=st.data(), which=st.sampled_from(FILES), as_json=st.booleans())
def test_the_verifier_refuses_a_changed_record_cleanly(record_dir: Path, data: st.DataObject,
                                                       which: str, as_json: bool) -> None:
    """A file of the record changed (as bytes, or as JSON re-encoded canonically): the
    verifier reports it as a SaylauError (VerificationFailed naming the leaf, most often), and
    `saylau verify` exits 1 or 2 with a message, never a traceback."""
    with tempfile.TemporaryDirectory() as d:
        copy = Path(d) / "record"
        copy.mkdir()
        for name in FILES:
            (copy / name).write_bytes((record_dir / name).read_bytes())
        original = (record_dir / which).read_bytes()
        if as_json and which == "leaves.jsonl":
            leaves = original.split(b"\n")[:-1]
            i = data.draw(st.integers(0, len(leaves) - 1), label="leaf")
            changed = data.draw(json_mutation(json.loads(leaves[i])), label="record")
            try:
                leaves[i] = canonical_bytes(changed)
            except SaylauError:
                leaves[i] = json.dumps(changed).encode()
            new = b"\n".join(leaves) + b"\n"
        elif as_json and which != "central.pub":
            new = json.dumps(data.draw(json_mutation(json.loads(original)))).encode()
        else:
            new = data.draw(st.one_of(mutated(original), st.binary(max_size=200)), label="bytes")
        (copy / which).write_bytes(new)
        clean(lambda: _verify(copy))
        result = CliRunner().invoke(_cli(), ["verify", str(copy)])
        assert result.exit_code in (0, 1, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception)


@SLOW_FUZZ
@given(data=st.data(), which=st.sampled_from(["record", "proof", "tree_head"]))
def test_a_changed_receipt_is_refused_cleanly(record_dir: Path, data: st.DataObject,
                                              which: str) -> None:
    """A station's receipt (its record, inclusion proof and signed tree head), one of the three
    changed as JSON: verified or refused with a SaylauError."""
    leaves = (record_dir / "leaves.jsonl").read_bytes().split(b"\n")[:-1]
    heads = json.loads((record_dir / "tree-heads.json").read_text())
    head = TreeHead.from_json(heads[-1])
    from saylau.domain.record.merkle import MerkleTree, leaf_hash

    index = data.draw(st.integers(0, head.size - 1), label="leaf")
    tree = MerkleTree.of([leaf_hash(x) for x in leaves[: head.size]])
    receipt = {"record": json.loads(leaves[index]),
               "proof": tree.inclusion_proof(index, head.size).as_json(),
               "tree_head": heads[-1]}
    assert verify_receipt(receipt["record"], receipt["proof"], receipt["tree_head"], None)
    receipt[which] = data.draw(json_mutation(receipt[which]), label=which)
    central = bytes.fromhex((record_dir / "central.pub").read_text().strip())
    clean(lambda: verify_receipt(receipt["record"], receipt["proof"], receipt["tree_head"],
                                 central))


# --- the Russia 2020 importer -----------------------------------------------------------------

RUSSIA = (",".join(russia2020.COLUMNS) + "\n" + "\n".join([
    "Республика Адыгея,Адыгейская,УИК №1,1000,700,690,10,680,500,180",
    "Республика Адыгея,Адыгейская,УИК №2,800,500,500,5,495,300,195",
    "город Москва,Центральная,УИК №10,2000,900,900,0,900,600,300",
    "Территория за пределами РФ,Зарубежная,УИК №8001,300,200,200,2,198,100,98",
]) + "\n").encode()


@FUZZ
@given(data=inputs(RUSSIA))
def test_the_russia_2020_mapping_refuses_cleanly(data: bytes) -> None:
    clean(lambda: russia2020.map_file(data))


def test_the_russia_2020_sample_maps_whole() -> None:
    m = russia2020.map_file(RUSSIA)
    assert (m.rows, len(m.problems), len(m.accepted)) == (4, 0, 4)


@SLOW_FUZZ
@given(data=inputs(RUSSIA), mode=st.sampled_from(list(russia2020.OnBadRows)))
def test_the_russia_2020_load_refuses_cleanly(tmp_path_factory: pytest.TempPathFactory,
                                              data: bytes, mode: russia2020.OnBadRows) -> None:
    d = tmp_path_factory.mktemp("ru")
    app = Saylau.open(f"sqlite:///{d / 'ru.db'}")
    try:
        clean(lambda: load_russia_2020(app, data, on_bad_rows=mode))
    finally:
        app.engine.dispose()


# --- the Russia 2011 and 2012 importers (the 2020 reader with their layout) ------------------

RUSSIA_2011 = (",".join(russia_cec.LAYOUTS["russia-2011"].columns) + "\n" + "\n".join([
    "Республика Адыгея,Адыгейская,1,2609,0,1614,182,1796,182,1614,4,1792,36,13,7,472,16,1242,6",
    "город Москва,Центральная,10,2000,0,900,0,900,0,900,0,900,100,100,100,100,100,400,0",
]) + "\n").encode()


@FUZZ
@given(data=inputs(RUSSIA_2011), kind=st.sampled_from(sorted(russia_cec.LAYOUTS)))
def test_the_russia_2011_2012_mapping_refuses_cleanly(data: bytes, kind: str) -> None:
    clean(lambda: russia_cec.map_file(kind, data))


def test_the_russia_2011_sample_maps_whole() -> None:
    m = russia_cec.map_file("russia-2011", RUSSIA_2011)
    assert (m.rows, len(m.problems), len(m.accepted)) == (2, 0, 2)


@SLOW_FUZZ
@given(data=inputs(RUSSIA_2011), mode=st.sampled_from(list(russia2020.OnBadRows)))
def test_the_russia_2011_load_refuses_cleanly(tmp_path_factory: pytest.TempPathFactory,
                                              data: bytes, mode: russia2020.OnBadRows) -> None:
    d = tmp_path_factory.mktemp("ru11")
    app = Saylau.open(f"sqlite:///{d / 'ru.db'}")
    try:
        clean(lambda: load_russia_cec(app, "russia-2011", data, on_bad_rows=mode))
    finally:
        app.engine.dispose()
