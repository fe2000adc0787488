"""What a claim or an evidence sentence says, as comparable terms: words, numbers, names, negations.

Every text is read the same way: tokens with their character offsets, lowercased and stemmed
(Snowball, as the BM25 index does) with English stopwords removed; numbers are parsed to values
(``1,000``, ``1000`` and ``one thousand`` are all ``1000.0``; ``5%`` and ``5 percent`` carry the unit
``percent``); capitalised terms that are not merely sentence-initial are kept as names; each negation
cue (``not``, ``n't``, ``no``, ``never``, ``without`` …) is kept with the stems it scopes over (the
next few content words of its clause).

>>> t = read_terms("Revenue did not reach 1,000 dollars in March.")
>>> sorted(t.numbers), sorted(t.names), [sorted(s) for s in t.negations]
([1000.0], ['march'], [['dollar', 'march', 'reach']])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_TOKEN = re.compile(r"[0-9]+(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|%|[^\W\d_]+|\w+|[.;:!?,]")
_COMPOUND = re.compile(r"(?<![\w-])(?=[\w-]*[^\W\d_])[^\W_]+(?:-[^\W_]+)+")  # "IL-6", "T-ALL", "Woolsthorpe-by-Belvoir"
_CLAUSE_END = {".", ";", ":", "!", "?", ","}
_SENTENCE_END = {".", "!", "?"}
NEGATION_CUES = frozenset({"not", "no", "never", "none", "neither", "nor", "nobody", "nothing", "nowhere", "cannot",
                           "without"})
_NOT_NEGATION_AFTER = {"not": {"only", "just"}, "no": {"longer"}}  # "not only X" asserts X; "no longer" is handled
_SCOPE_TERMS = 3
_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                 "sixteen seventeen eighteen nineteen")
_TENS_WORDS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety"
_SMALL = {w: i for i, w in enumerate(_NUMBER_WORDS.split())}
_TENS = {w: 10 * i for i, w in enumerate(_TENS_WORDS.split()) if i > 1}
_SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
UNITS = {"%": "percent", "percent": "percent", "per": "per", "mg": "mg", "g": "g", "kg": "kg", "km": "km", "m": "m",
         "cm": "cm", "mm": "mm", "ml": "ml", "l": "l", "mile": "mile", "miles": "mile", "meter": "m", "meters": "m",
         "metre": "m", "metres": "m", "kilometres": "km", "kilometers": "km", "feet": "ft", "ft": "ft",
         "pounds": "lb", "lb": "lb", "tons": "ton", "tonnes": "ton", "hours": "hour", "hour": "hour",
         "days": "day", "day": "day", "weeks": "week", "week": "week", "months": "month", "month": "month",
         "years": "year", "year": "year", "minutes": "minute", "seconds": "second", "dollars": "dollar", "$": "dollar"}


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


# Function words beyond the index's short (Lucene) stopword list: question words, pronouns, auxiliaries.
_FUNCTION_WORDS_TEXT = """
about above after again against all also am among any been before being below between both can could did do does
doing down during each either else ever every few from further had has have having he her here hers herself him
himself his how however i its itself just let me might more most much must my myself nor off once only other our
ours ourselves out over own same shall she should since so some than them themselves those though through thus
too under until up upon us very via we were what whatever when whenever where whereas wherever whether which while
who whom whose why would yet you your yours yourself s t etc
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN) | _FUNCTION_WORDS


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word.lower()))


@dataclass(frozen=True, slots=True)
class Terms:
    """The comparable content of one text."""

    words: frozenset[str]  # stemmed content words (stopwords, numbers and cues removed)
    numbers: frozenset[float]
    units: frozenset[str]  # units written right after a number ("5 mg" → "mg")
    names: frozenset[str]  # stems of capitalised terms that are not merely sentence-initial
    initials: frozenset[str]  # stems of other capitalised words that start a sentence ("Tamworth was ...")
    negations: tuple[frozenset[str], ...]  # per negation cue: the stems it scopes over
    order: tuple[str, ...]  # the content stems in text order (for display of missing terms)
    surface: dict[str, str]  # stem → first written form


def _number_word(word: str) -> float | None:
    if word in _SMALL and word != "one":  # "one of the ..." is rarely a quantity
        return float(_SMALL[word])
    if word in _TENS:
        return float(_TENS[word])
    return None


def _parse_number(token: str) -> float | None:
    if "0" <= token[0] <= "9":
        try:
            return float(token.replace(",", ""))
        except ValueError:  # other scripts' digits
            return None
    return _number_word(token.lower())


def read_terms(text: str) -> Terms:
    """Tokenise ``text`` (see the module doc) into :class:`Terms`."""
    text = re.sub(r"(?i)(?<=\w)n[’']t\b", " not", text).replace("cannot", "can not")
    tokens = _TOKEN.findall(text)
    stop = stopwords()
    words: list[str] = []
    numbers: list[float] = []
    units: set[str] = set()
    names: set[str] = set()
    initials: set[str] = set()
    negations: list[frozenset[str]] = []
    surface: dict[str, str] = {}
    sentence_start = True
    for i, token in enumerate(tokens):
        lower = token.lower()
        if token in _CLAUSE_END:
            sentence_start = token in _SENTENCE_END
            continue
        after = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        value = _parse_number(token) if token != "%" else None
        if value is None and lower in {"a", "one"} and after in _SCALES:
            value = 1.0  # "one thousand", "a million"
        if value is not None:
            numbers.append(value * _SCALES.get(after, 1.0))
            if after in UNITS:
                units.add(UNITS[after])
        elif lower in _SCALES and i > 0 and _parse_number(tokens[i - 1]) is not None:
            pass  # consumed by the number before it
        elif lower in NEGATION_CUES and tokens[i + 1:i + 2] != [] and \
                tokens[i + 1].lower() in _NOT_NEGATION_AFTER.get(lower, set()):
            pass
        elif lower in NEGATION_CUES and not (token[0].isupper() and not sentence_start):  # "Nobody's Child"
            negations.append(frozenset(_scope(tokens, i + 1, stop)))
        elif (lower not in stop and len(token) > 1) or lower == "%":
            s = "percent" if lower == "%" else stem(lower)
            words.append(s)
            surface.setdefault(s, token)
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            if _is_name(token, sentence_start) or (sentence_start and token[0].isupper() and following[:1].isupper()):
                names.add(s)
            elif token[0].isupper():
                initials.add(s)
        sentence_start = False
    for m in _COMPOUND.finditer(text):
        key = m.group(0).lower()
        words.append(key)
        surface.setdefault(key, m.group(0))
        if any(c.isupper() for c in m.group(0)[1:]) or (m.group(0)[0].isupper() and text[:m.start()].strip()):
            names.add(key)
    return Terms(frozenset(words), frozenset(numbers), frozenset(units), frozenset(names),
                 frozenset(initials - names), tuple(negations),
                 tuple(dict.fromkeys(words)), surface)


def _is_name(token: str, sentence_start: bool) -> bool:
    if not token[0].isalpha():
        return any(c.isalpha() for c in token)  # e.g. "5HT2A"
    inner = any(c.isupper() or c.isdigit() for c in token[1:])  # "mRNA", "ADAR1", "IL"
    if inner:
        return True
    return token[0].isupper() and not sentence_start


def _scope(tokens: list[str], start: int, stop: frozenset[str]) -> list[str]:
    scope: list[str] = []
    for token in tokens[start:]:
        if token in _CLAUSE_END or len(scope) == _SCOPE_TERMS:
            break
        lower = token.lower()
        if lower not in stop and lower not in NEGATION_CUES and len(token) > 1 and not token[0].isdigit():
            scope.append(stem(lower))
    return scope
