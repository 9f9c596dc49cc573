"""The forms' validation rules: a small, safe expression language over a form's answers.

A rule is text such as ``ballots_issued <= registered`` or
``not (opened_on_time and seals_intact) or remarks_given``. It is parsed here by a hand-written
recursive-descent parser into a tree of frozen nodes and evaluated over the answers; nothing is
ever handed to Python's `eval` or `compile`, and no name but a question's id can be read.

Grammar (EBNF; keywords are lower case, names are question ids)::

    rule       = or_expr ;
    or_expr    = and_expr { "or" and_expr } ;
    and_expr   = not_expr { "and" not_expr } ;
    not_expr   = "not" not_expr | comparison ;
    comparison = sum [ ( "<" | "<=" | ">" | ">=" | "==" | "!=" ) sum ] ;
    sum        = unary { ( "+" | "-" ) unary } ;
    unary      = "-" unary | atom ;
    atom       = INTEGER | "true" | "false" | NAME | "(" or_expr ")" ;
    NAME       = letter { letter | digit | "_" } ;     (not a keyword)
    INTEGER    = digit { digit } ;                     (at most 12 digits)

Values are whole numbers and booleans (a yes/no answer is a boolean; an integer answer a whole
number; a choice answer compares equal to its choice's number, 1-based). Arithmetic takes whole
numbers, `and`/`or`/`not` take booleans, `<`... take two whole numbers, `==`/`!=` two values of
one kind: a rule mixing kinds is refused when the form is defined (`check_rule`), not when an
observer submits. A rule over a question left unanswered is not evaluated (it is "skipped", so
that an optional question left empty never fails a rule). A rule is at most 500 characters and
64 levels deep, so no rule can exhaust the parser.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from saylau.domain.errors import ValidationFailed

MAX_RULE_CHARS = 500
MAX_DEPTH = 64
MAX_DIGITS = 12
KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")

_TOKEN = re.compile(r"\s*(?:(?P<int>\d+)|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
                    r"|(?P<op><=|>=|==|!=|<|>|\+|-|\(|\)))")


class Kind(StrEnum):
    INT = "integer"
    BOOL = "boolean"


@dataclass(frozen=True, slots=True)
class Const:
    value: int | bool


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    """'-' or 'not'."""
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


Node = Const | Name | Unary | Binary


class Skipped(Exception):
    """A name the answers do not hold: the rule is not evaluated (not a failure)."""


def _fail(rule: str, pos: int, message: str, expected: str) -> ValidationFailed:
    shown = rule[pos:pos + 20] or "the end of the rule"
    return ValidationFailed(
        f"rule {rule!r}: {message} at character {pos + 1} ({shown!r})",
        code="rule_syntax",
        details={"field": "rule", "expected": expected, "actual": rule, "position": pos + 1})


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    """'int', 'name', 'kw', 'op' or 'end'."""
    text: str
    pos: int


def _tokens(rule: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(rule):
        if rule[pos:].strip() == "":
            break
        m = _TOKEN.match(rule, pos)
        if m is None:
            at = pos + (len(rule[pos:]) - len(rule[pos:].lstrip()))
            raise _fail(rule, at, f"unexpected character {rule[at]!r}",
                        "names, whole numbers, + - < <= > >= == != ( ) and, or, not")
        start = m.start(m.lastgroup or 0)
        kind = m.lastgroup or "op"
        text = m.group(kind)
        if kind == "name" and text in KEYWORDS:
            kind = "kw"
        if kind == "int" and len(text) > MAX_DIGITS:
            raise _fail(rule, start, f"the number has more than {MAX_DIGITS} digits",
                        f"at most {MAX_DIGITS} digits")
        out.append(_Tok(kind, text, start))
        pos = m.end()
    out.append(_Tok("end", "", len(rule)))
    return out


class _Parser:
    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.toks = _tokens(rule)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self, *texts: str) -> _Tok | None:
        t = self.tok
        if t.kind in ("op", "kw") and t.text in texts:
            self.i += 1
            return t
        return None

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _fail(self.rule, self.tok.pos, f"the rule nests deeper than {MAX_DEPTH}",
                        f"at most {MAX_DEPTH} levels")

    def parse(self) -> Node:
        node = self.or_expr()
        if self.tok.kind != "end":
            raise _fail(self.rule, self.tok.pos, f"unexpected {self.tok.text!r}",
                        "an operator (and, or, + - < ...) or the end of the rule")
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.take("or"):
            node = Binary("or", node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.take("and"):
            node = Binary("and", node, self.not_expr())
        return node

    def not_expr(self) -> Node:
        if self.take("not"):
            self.deeper()
            node = Unary("not", self.not_expr())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        node = self.sum()
        t = self.take(*COMPARISONS)
        if t is not None:
            node = Binary(t.text, node, self.sum())
            if self.tok.kind == "op" and self.tok.text in COMPARISONS:
                raise _fail(self.rule, self.tok.pos, "comparisons do not chain",
                            "one comparison, or two joined with and/or")
        return node

    def sum(self) -> Node:
        node = self.unary()
        while (t := self.take("+", "-")) is not None:
            node = Binary(t.text, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.take("-"):
            self.deeper()
            node = Unary("-", self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "int":
            self.i += 1
            return Const(int(t.text))
        if t.kind == "kw" and t.text in ("true", "false"):
            self.i += 1
            return Const(t.text == "true")
        if t.kind == "name":
            self.i += 1
            return Name(t.text)
        if self.take("("):
            self.deeper()
            node = self.or_expr()
            self.depth -= 1
            if not self.take(")"):
                raise _fail(self.rule, self.tok.pos, "a bracket is not closed", "')'")
            return node
        what = "the end of the rule" if t.kind == "end" else repr(t.text)
        raise _fail(self.rule, t.pos, f"expected a value, found {what}",
                    "a question id, a whole number, true, false or '('")


def parse(rule: str) -> Node:
    """The rule's tree; raises ValidationFailed (`rule_syntax`) naming the position."""
    if len(rule) > MAX_RULE_CHARS:
        raise ValidationFailed(
            f"a rule is at most {MAX_RULE_CHARS} characters, this one has {len(rule)}",
            code="rule_too_long",
            details={"field": "rule", "expected": f"at most {MAX_RULE_CHARS} characters",
                     "actual": len(rule)})
    if rule.strip() == "":
        raise _fail(rule, 0, "the rule is empty", "an expression")
    return _Parser(rule).parse()


def names(node: Node) -> frozenset[str]:
    """The question ids the rule reads."""
    if isinstance(node, Name):
        return frozenset({node.name})
    if isinstance(node, Unary):
        return names(node.operand)
    if isinstance(node, Binary):
        return names(node.left) | names(node.right)
    return frozenset()


def _type_error(rule: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"rule {rule!r}: {message}", code="rule_type",
                            details={"field": "rule", "expected": "operands of the right kind",
                                     "actual": message})


def kind_of(node: Node, kinds: Mapping[str, Kind], rule: str = "") -> Kind:
    """The kind of the rule's value given each question's kind; raises ValidationFailed
    (`rule_unknown_name`, `rule_type`) for a name no question has or operands of the wrong
    kind."""
    if isinstance(node, Const):
        return Kind.BOOL if isinstance(node.value, bool) else Kind.INT
    if isinstance(node, Name):
        if node.name not in kinds:
            raise ValidationFailed(
                f"rule {rule!r} reads {node.name!r}, which is no question of the form",
                code="rule_unknown_name",
                details={"field": "rule", "expected": sorted(kinds), "actual": node.name})
        return kinds[node.name]
    if isinstance(node, Unary):
        inner = kind_of(node.operand, kinds, rule)
        want = Kind.BOOL if node.op == "not" else Kind.INT
        if inner is not want:
            raise _type_error(rule, f"'{node.op}' takes a {want}, not a {inner}")
        return want
    left, right = kind_of(node.left, kinds, rule), kind_of(node.right, kinds, rule)
    if node.op in ("and", "or"):
        if left is not Kind.BOOL or right is not Kind.BOOL:
            raise _type_error(rule, f"'{node.op}' joins two yes/no values, not {left} and {right}")
        return Kind.BOOL
    if node.op in ("==", "!="):
        if left is not right:
            raise _type_error(rule, f"'{node.op}' compares values of one kind, not {left} "
                              f"and {right}")
        return Kind.BOOL
    if left is not Kind.INT or right is not Kind.INT:
        raise _type_error(rule, f"'{node.op}' takes two whole numbers, not {left} and {right}")
    return Kind.INT if node.op in ("+", "-") else Kind.BOOL


def check_rule(rule: str, kinds: Mapping[str, Kind]) -> Node:
    """Parse `rule` and hold that it is a yes/no rule over known questions."""
    node = parse(rule)
    if kind_of(node, kinds, rule) is not Kind.BOOL:
        raise _type_error(rule, "a rule must be a yes/no condition (a comparison, and/or/not)")
    return node


def evaluate(node: Node, answers: Mapping[str, int | bool]) -> int | bool:  # noqa: PLR0911 (one return per kind of node)
    """The rule's value over `answers`; raises `Skipped` when it reads an unanswered question.
    Operands are assumed checked by `check_rule` (a wrong kind raises TypeError: a bug)."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Name):
        if node.name not in answers:
            raise Skipped(node.name)
        return answers[node.name]
    if isinstance(node, Unary):
        v = evaluate(node.operand, answers)
        return (not v) if node.op == "not" else -int(v)
    if node.op == "and":
        return bool(evaluate(node.left, answers)) and bool(evaluate(node.right, answers))
    if node.op == "or":
        return bool(evaluate(node.left, answers)) or bool(evaluate(node.right, answers))
    a, b = evaluate(node.left, answers), evaluate(node.right, answers)
    if node.op in ("==", "!="):
        return (a == b) is (node.op == "==")
    x, y = int(a), int(b)
    results: dict[str, int | bool] = {"+": x + y, "-": x - y, "<": x < y, "<=": x <= y,
                                      ">": x > y, ">=": x >= y}
    return results[node.op]


def show(node: Node) -> str:
    """The rule written back fully bracketed (parse(show(n)) == n: a property test)."""
    if isinstance(node, Const):
        return str(node.value).lower() if isinstance(node.value, bool) else str(node.value)
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Unary):
        return f"({node.op} {show(node.operand)})" if node.op == "not" else \
            f"(-{show(node.operand)})"
    return f"({show(node.left)} {node.op} {show(node.right)})"
