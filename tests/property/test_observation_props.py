"""Properties of the observation wing's comparison, rule language and text-message parser."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from saylau.domain.errors import ValidationFailed
from saylau.domain.observation import comparison as cmp
from saylau.domain.observation import expr, sms

FIELDS = ["registered", "ballots_issued", "invalid", "votes.yes", "votes.no"]
figs = st.dictionaries(st.sampled_from(FIELDS), st.integers(0, 50), min_size=1)
copies = st.lists(st.tuples(st.from_regex(r"[A-C]-000[1-9]", fullmatch=True), figs),
                  max_size=6, unique_by=lambda c: c[0])


@given(st.one_of(st.none(), figs), copies, st.randoms())
def test_comparison_does_not_depend_on_arrival_order(official, cs, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(cs)
    rnd.shuffle(shuffled)
    assert cmp.compare("S", official, cs) == cmp.compare("S", official, shuffled)


@given(st.one_of(st.none(), figs), copies)
def test_comparison_keeps_every_observer_and_classifies_totally(official, cs) -> None:  # type: ignore[no-untyped-def]
    c = cmp.compare("S", official, cs)
    if official is None and not cs:
        assert c is None
        return
    assert c is not None
    kept = sorted(b for g in c.groups for b in g.observers)
    assert kept == sorted(b for b, _ in cs)
    distinct = {tuple(sorted(f.items())) for _, f in cs}
    if len(distinct) > 1:
        assert c.status is cmp.Status.CONFLICT
    elif not cs:
        assert c.status is cmp.Status.OBSERVER_MISSING
    elif official is None:
        assert c.status is cmp.Status.OFFICIAL_MISSING
    else:
        (only,) = distinct
        same = dict(only) == official
        assert c.status is (cmp.Status.MATCHES if same else cmp.Status.DIFFERS)


@given(figs, figs)
def test_differences_are_exactly_the_fields_that_differ(a, b) -> None:  # type: ignore[no-untyped-def]
    d = cmp.diff(a, b)
    assert {x.field for x in d} == {f for f in set(a) | set(b) if a.get(f) != b.get(f)}
    for x in d:
        assert (x.official, x.observer) == (a.get(x.field), b.get(x.field))
    # applying the differences to the official figures gives the observer's
    patched = dict(a)
    for x in d:
        if x.observer is None:
            del patched[x.field]
        else:
            patched[x.field] = x.observer
    assert patched == b


# --- the rule language: written back, it parses to the same tree ----------------------------

names = st.sampled_from(["a", "b", "n", "m"])
ints = st.integers(0, 10**6).map(expr.Const)
int_expr = st.recursive(
    st.one_of(ints, names.map(expr.Name)),
    lambda inner: st.one_of(
        st.builds(expr.Unary, st.just("-"), inner),
        st.builds(expr.Binary, st.sampled_from(["+", "-"]), inner, inner)),
    max_leaves=8)
bool_expr = st.recursive(
    st.builds(expr.Binary, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), int_expr,
              int_expr),
    lambda inner: st.one_of(
        st.builds(expr.Unary, st.just("not"), inner),
        st.builds(expr.Binary, st.sampled_from(["and", "or"]), inner, inner)),
    max_leaves=6)


@given(bool_expr)
def test_show_then_parse_is_the_same_tree(node: expr.Node) -> None:
    text = expr.show(node)
    if len(text) <= expr.MAX_RULE_CHARS:
        assert expr.parse(text) == node


@given(bool_expr, st.dictionaries(names, st.integers(-100, 100)))
def test_evaluation_agrees_with_python_on_the_tree(node: expr.Node, env) -> None:  # type: ignore[no-untyped-def]
    # an oracle written independently of `evaluate`: Python's own operators on the tree
    def oracle(n: expr.Node) -> int | bool:
        if isinstance(n, expr.Const):
            return n.value
        if isinstance(n, expr.Name):
            if n.name not in env:
                raise expr.Skipped(n.name)
            return env[n.name]
        if isinstance(n, expr.Unary):
            return (not oracle(n.operand)) if n.op == "not" else -oracle(n.operand)
        if n.op == "and":
            return bool(oracle(n.left)) and bool(oracle(n.right))
        if n.op == "or":
            return bool(oracle(n.left)) or bool(oracle(n.right))
        x, y = oracle(n.left), oracle(n.right)
        return {"+": x + y, "-": x - y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y,
                "==": x == y, "!=": x != y}[n.op]

    try:
        want: object = oracle(node)
    except expr.Skipped:
        want = expr.Skipped
    try:
        got: object = expr.evaluate(node, env)
    except expr.Skipped:
        got = expr.Skipped
    assert got == want


@given(st.text(max_size=80))
def test_any_text_parses_or_is_refused_cleanly(text: str) -> None:
    code = "parsed"
    try:
        expr.parse(text)
    except ValidationFailed as e:
        code = e.code
    assert code in ("parsed", "rule_syntax", "rule_too_long")


# --- the text-message parser -----------------------------------------------------------------

items = st.lists(st.builds(sms.Item, st.sampled_from(list(string.ascii_uppercase)),
                           st.integers(1, 999),
                           st.one_of(st.booleans(), st.integers(0, 10**9))),
                 max_size=20, unique_by=lambda i: i.code)
messages = st.builds(sms.Message, st.from_regex(r"[A-Z0-9-]{1,24}", fullmatch=True),
                     st.from_regex(r"[A-Z0-9-]{1,64}", fullmatch=True),
                     items.map(tuple))


@given(messages)
def test_sms_render_then_parse_is_the_same_message(m: sms.Message) -> None:
    text = sms.render(m)
    if len(text) <= sms.MAX_CHARS:
        assert sms.parse(text) == m


@given(st.text(max_size=200))
def test_any_text_message_parses_or_gets_a_reply(text: str) -> None:
    reply, problems = "", 1
    try:
        sms.parse(text)
    except sms.SmsError as e:
        reply, problems = e.reply, len(e.problems)
    assert reply == "" or reply.startswith("ERR ")
    assert problems >= 1
