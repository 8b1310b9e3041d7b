"""The query language: parsing, validation and repair. Pure Python, no Whoosh.

    peer learning            both words (AND is implied)
    "local finance"          an exact phrase (accent- and case-insensitive, stemmed words)
    housing OR vivienda      either word;  AND, OR, NOT are operators only in capitals
    climate NOT finance      exclude;  -finance  is the same
    (water OR eau) AND sanitation   grouping
    goverment~  goverment~1  fuzzy: up to 2 edits (1 for words of 4 letters or fewer), or the number given
    particip*                prefix (at least 2 letters)

Broken syntax is repaired, never silently: each repair adds a sentence to `ParsedQuery.notices`
(an unterminated quote is closed at the end, a missing `)` is added, a stray `)` or a dangling
AND/OR/NOT is ignored, wildcards other than a final `*` are dropped). A query that cannot be
run at all (empty, only operators or punctuation, only NOT terms, longer than MAX_QUERY_CHARS)
raises QueryError with a message saying what to type instead. So does nesting brackets or
NOTs deeper than MAX_NESTING.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.errors import QueryError

MAX_QUERY_CHARS = 500
# Brackets and NOTs nested deeper than this are refused: every later stage (compiling, Whoosh's
# query tree) recurses per level, and no real query needs more than a handful.
MAX_NESTING = 32
MAX_FUZZY = 2
MIN_PREFIX = 2
OPERATORS = {"AND", "OR", "NOT"}
_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb"}
_WORD_CHAR = re.compile(r"[^\W_]", re.UNICODE)


# -- the tree -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Word:
    text: str  # as typed (without ~ or *)
    fuzzy: int | None = None  # max edits when fuzzy
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


Node = Word | Phrase | And | Or | Not


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    node: Node
    notices: tuple[str, ...] = field(default_factory=tuple)


# -- tokens ---------------------------------------------------------------------------------
@dataclass
class _Tok:
    kind: str  # "word" | "phrase" | "op" | "(" | ")" | "-"
    value: str = ""


def _tokenize(text: str, notices: list[str]) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in _QUOTES:
            close = _QUOTES[c]
            j = i + 1
            while j < n and text[j] != close and not (close != '"' and text[j] == '"'):
                j += 1
            phrase = text[i + 1:j]
            if j >= n:
                notices.append(f'Closed the unterminated quote: searched "{phrase.strip()}" as a phrase.')
            toks.append(_Tok("phrase", phrase))
            i = j + 1
            if i < n and text[i] == "~":
                j = i + 1
                while j < n and text[j].isdigit():
                    j += 1
                notices.append("Proximity (~ after a phrase) is not supported: searched the exact phrase.")
                i = j
        elif c in "()":
            toks.append(_Tok(c))
            i += 1
        elif c == "-" and i + 1 < n and not text[i + 1].isspace() and (not toks or text[i - 1].isspace() or text[i - 1] == "("):
            toks.append(_Tok("-"))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "()" and text[j] not in _QUOTES:
                j += 1
            word = text[i:j]
            toks.append(_Tok("op", word) if word in OPERATORS else _Tok("word", word))
            i = j
    return toks


# -- parser ---------------------------------------------------------------------------------
class _Parser:
    def __init__(self, toks: list[_Tok], notices: list[str]):
        self.toks = toks
        self.i = 0
        self.notices = notices
        self.depth = 0

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise QueryError(f"the query nests brackets or NOTs more than {MAX_NESTING} levels deep "
                             "— write it with fewer ( ) or NOTs")

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def note(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def parse(self) -> Node | None:
        items = []
        while self.peek() is not None:
            node = self.parse_or()
            if node is not None:
                items.append(node)
            tok = self.peek()
            if tok is not None and tok.kind == ")":
                self.take()
                self.note("Ignored a ')' that closes nothing.")
        return _join(And, items)

    def parse_or(self) -> Node | None:
        items = [self.parse_and()]
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.value == "OR":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind == ")" or (nxt.kind == "op" and nxt.value in {"AND", "OR"}):
                self.note("Ignored an OR with nothing after it.")
                continue
            items.append(self.parse_and())
        return _join(Or, items)

    def parse_and(self) -> Node | None:
        items = []
        while (tok := self.peek()) is not None:
            if tok.kind == ")" or (tok.kind == "op" and tok.value == "OR"):
                if not items and tok.kind == "op":
                    self.note("Ignored an OR with nothing before it.")
                break
            if tok.kind == "op" and tok.value == "AND":
                self.take()
                nxt = self.peek()
                if not items or nxt is None or nxt.kind == ")" or (nxt.kind == "op" and nxt.value in {"AND", "OR"}):
                    self.note("Ignored an AND without a word on both sides.")
                continue
            node = self.parse_unary()
            if node is not None:
                items.append(node)
        return _join(And, items)

    def parse_unary(self) -> Node | None:
        tok = self.peek()
        if tok.kind == "-" or (tok.kind == "op" and tok.value == "NOT"):
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind == ")" or (nxt.kind == "op" and nxt.value in {"AND", "OR"}):
                self.note("Ignored a NOT with nothing after it.")
                return None
            self.enter()
            inner = self.parse_unary()
            self.depth -= 1
            if isinstance(inner, Not):
                self.note("Two NOTs cancel out: searched the word itself.")
                return inner.item
            return Not(inner) if inner is not None else None
        return self.parse_atom()

    def parse_atom(self) -> Node | None:
        tok = self.take()
        if tok.kind == "(":
            self.enter()
            items = []
            while (nxt := self.peek()) is not None and nxt.kind != ")":
                node = self.parse_or()
                if node is not None:
                    items.append(node)
            if self.peek() is None:
                self.note("Added the missing ')' at the end.")
            else:
                self.take()
            self.depth -= 1
            return _join(And, items)
        if tok.kind == "phrase":
            if not _WORD_CHAR.search(tok.value):
                if tok.value.strip():
                    self.note(f'Ignored "{tok.value.strip()}": no letters or digits to search for.')
                return None
            return Phrase(" ".join(tok.value.split()))
        return self.word(tok.value)

    def word(self, raw: str) -> Node | None:
        fuzzy = None
        prefix = False
        text = raw
        m = re.fullmatch(r"(.*?)~(\d*)", text, re.DOTALL)
        if m and m.group(1):
            text = m.group(1)
            fuzzy = int(m.group(2)) if m.group(2) else -1
            if fuzzy > MAX_FUZZY:
                self.note(f"Fuzzy matching allows at most {MAX_FUZZY} edits: searched {text}~{MAX_FUZZY}.")
                fuzzy = MAX_FUZZY
        if text.endswith("*") and fuzzy is None:
            text = text.rstrip("*")
            prefix = True
        if "*" in text or "?" in text:
            self.note(f"Only a final * is a wildcard: searched {raw.replace('*', '').replace('?', '')!r} "
                      "without the other wildcards.")
            text = text.replace("*", "").replace("?", "")
        if not _WORD_CHAR.search(text):
            if raw.strip() and raw not in {"-", "~", "*"}:
                self.note(f"Ignored {raw!r}: no letters or digits to search for.")
            elif raw in {"*", "~"}:
                self.note(f"Ignored a lone {raw!r}.")
            return None
        if prefix:
            letters = len(_WORD_CHAR.findall(text))
            if letters < MIN_PREFIX:
                self.note(f"A prefix needs at least {MIN_PREFIX} letters: searched {text!r} as a word.")
                prefix = False
            elif "".join(_WORD_CHAR.findall(text)) != text.strip("'’-."):
                self.note(f"A prefix must be one word: searched {text!r} as a word.")
                prefix = False
        if fuzzy is not None and fuzzy < 0:
            fuzzy = 1 if len(text) <= 4 else 2
        if fuzzy == 0:
            fuzzy = None
        return Word(text, fuzzy=fuzzy, prefix=prefix)


def _join(cls, items: list) -> Node | None:
    items = [x for x in items if x is not None]
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    flat = []
    for x in items:
        flat.extend(x.items if isinstance(x, cls) else (x,))
    return cls(tuple(flat))


def has_positive(node: Node) -> bool:
    """Whether the query asks for something (not only for what to exclude)."""
    if isinstance(node, (Word, Phrase)):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(has_positive(x) for x in node.items)
    return all(has_positive(x) for x in node.items)


def parse(text: str) -> ParsedQuery:
    """Parse a user query; QueryError when nothing can be searched (see the module docstring)."""
    if not isinstance(text, str):
        raise QueryError("the query must be text")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long; at most {MAX_QUERY_CHARS} are allowed "
                         "— search for a few distinctive words or a short phrase")
    notices: list[str] = []
    node = _Parser(_tokenize(text, notices), notices).parse()
    if node is None:
        detail = f" ({' '.join(notices)})" if notices else ""
        raise QueryError(f"nothing to search for in {text.strip()[:60]!r}: type words or a \"phrase\"{detail}")
    if not has_positive(node):
        raise QueryError("a query needs at least one word to look for, not only words to exclude with NOT or -")
    return ParsedQuery(text=text, node=node, notices=tuple(notices))


def positive_words(node: Node) -> list[Word | Phrase]:
    """The words and phrases that must or may match (what is highlighted), in query order."""
    if isinstance(node, (Word, Phrase)):
        return [node]
    if isinstance(node, Not):
        return []
    out = []
    for x in node.items:
        out.extend(positive_words(x))
    return out
