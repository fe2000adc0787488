"""Conversation memory: follow-up condensation and a bounded, summarised history.

A follow-up such as "Who proposed it?" is useless as a retrieval query. :func:`condense` turns it into a
standalone question: the model rewrites it when it can (the reply is checked), otherwise cheap rules
resolve it: personal pronouns become the last turn's main entity ("Who proposed ReAct?"), and an
elliptical "And PAL?" / "What about PAL?" reuses the last question with the entity swapped.

>>> last = Exchange("When was ReAct introduced?", "ReAct was introduced in 2022 [1].")
>>> condense("Who proposed it?", [last]).standalone
'Who proposed ReAct?'
>>> condense("And PAL?", [last]).standalone
'When was PAL introduced?'
>>> history_block([last], budget_tokens=64)
'Q: When was ReAct introduced?\\nA: ReAct was introduced in 2022.'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from ragagent.errors import RagAgentError
from ragagent.llm.base import LLM, GenerationSettings, estimate_tokens

HISTORY_TOKENS = 256  # budget for the conversation shown to the answer prompt; oldest turns go first
REWRITE_TURNS = 3  # turns shown to the model when it condenses a follow-up

_PRONOUNS = r"it|its|they|them|their|he|him|his|she|her"
_REFERS_BACK = re.compile(rf"\b({_PRONOUNS}|this|that|these|those|there|the same|also)\b", re.I)
_UNRESOLVED = re.compile(rf"\b({_PRONOUNS})\b", re.I)
# "this"/"that" are pronouns here only before a verb, after "is"/"about"..., or at the end ("What does that
# mean?", "Why is that useful?", "Who made this?").
_AFTER_VERB = re.compile(r"\b(is|was|are|does|did|about|of|explain|use)\s+(?:this|that)\b", re.I)
_DEMONSTRATIVE = re.compile(
    r"\b(this|that)\b(?=\s*(?:[?.!,]|$|\s+(?:is|was|does|did|do|mean|means|work|works|come|came|say|says)\b))",
    re.I,
)
_ELLIPSIS = re.compile(r"^\s*(?:and|what about|how about|and what about)\s+(?P<entity>.+?)\s*\??\s*$", re.I)
_QUOTED = re.compile(r"[\"“']([^\"”']{2,60})[\"”']")
# Runs of capitalised words (ReAct, Luyu Gao, BM25, GPT-3, Carnegie Mellon University), "of"/"the" inside allowed.
_PROPER = re.compile(r"\b[A-Z][\w-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w-]*)*")
_QUESTION_WORDS = {
    "what", "who", "whom", "whose", "when", "where", "which", "why", "how", "is", "are", "was", "were", "do",
    "does", "did", "can", "could", "should", "would", "will", "the", "a", "an", "and", "or", "in", "i", "tell",
    "explain", "describe", "define", "list", "give", "show", "please", "q", "a:",
}
# After "what is" / "who was" / "when was": the subject, up to a verb-looking word or a preposition.
_SUBJECT = re.compile(
    r"^\s*(?:what|who|when|where|which|how|why)\s+(?:is|are|was|were|does|do|did)\s+(?P<np>.+?)\s*\??\s*$", re.I
)
_SUBJECT_END = re.compile(r"\s+(?:\w+ed|\w+s\b(?=\s*\??$)|in|on|at|by|for|from|with|to|used|work|mean|do)\b.*$",
                          re.I)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One earlier turn as the memory sees it: the (standalone) question asked and the answer text."""

    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Condensed:
    """A follow-up and the standalone question retrieval uses; ``method`` says how it was made."""

    question: str
    standalone: str
    method: Literal["unchanged", "model", "rules"]
    entity: str | None = None
    note: str = ""


def refers_back(question: str) -> bool:
    """Whether ``question`` needs the conversation (a pronoun, "there", "also", or "And X?")."""
    return bool(_REFERS_BACK.search(question) or _ELLIPSIS.match(question))


def main_entity(question: str, answer: str = "") -> str | None:
    """The thing a turn is about: a quoted or capitalised name in the question, its subject, or the answer's."""
    if m := _QUOTED.search(question):
        return m.group(1).strip()
    for m in _PROPER.finditer(question):
        words = m.group(0).split()
        while words and words[0].lower() in _QUESTION_WORDS:
            words = words[1:]  # "What" / "When" at the start of the sentence is no name
        if words and (m.start() > 0 or len(words) < len(m.group(0).split()) or _looks_like_name(words[0])):
            return " ".join(words)
    if m := _SUBJECT.match(question):
        subject = _SUBJECT_END.sub("", m.group("np")).strip()
        if subject and subject.lower() not in _QUESTION_WORDS and subject.split()[-1].lower() not in ("a", "an"):
            return subject
    for m in _PROPER.finditer(answer):
        if m.start() > 0:
            return m.group(0)
    return None


def _looks_like_name(word: str) -> bool:
    """A sentence-initial word is a name only if it is not plain capitalisation (ReAct, BM25, PAL)."""
    return any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word)


def main_person(answer: str) -> str | None:
    """The first full name (two or more capitalised words, e.g. "Luyu Gao") in an answer, for he/she/his/her."""
    for m in _PROPER.finditer(answer):
        words = m.group(0).split()
        if 2 <= len(words) <= 4 and all(w[:1].isupper() and w[1:].islower() and w.lower() not in _QUESTION_WORDS
                                        for w in words):
            return m.group(0)
    return None


def resolve_pronouns(question: str, entity: str, person: str | None = None) -> str:
    """Replace personal pronouns (and pronoun "this"/"that") with ``entity``; possessives get "'s".

    he/him/his/she/her become ``person`` when one is known (the last answer named someone).
    """
    who = person or entity

    def owner(name: str) -> Callable[[re.Match[str]], str]:
        return lambda m: f"{name}'s"

    text = re.sub(r"\b(its|their)\b", owner(entity), question, flags=re.I)
    text = re.sub(r"\b(his|her(?=\s+[a-z]))\b", owner(who), text, flags=re.I)  # "her paper" is possessive
    text = re.sub(r"\b(he|him|she|her)\b", who, text, flags=re.I)
    text = re.sub(r"\b(it|they|them)\b", entity, text, flags=re.I)
    text = _AFTER_VERB.sub(lambda m: f"{m.group(1)} {entity}", text)
    return _DEMONSTRATIVE.sub(entity, text)


def condense_with_rules(question: str, history: Sequence[Exchange]) -> Condensed:
    """The rule-based fallback: "And X?" reuses the last question; pronouns become its main entity."""
    last = history[-1]
    entity = main_entity(last.question, last.answer)
    if (m := _ELLIPSIS.match(question)) and entity and entity in last.question:
        new = m.group("entity").strip().rstrip("?")
        return Condensed(question, last.question.replace(entity, new), "rules", new, f"{entity!r} → {new!r}")
    if entity is None:
        return Condensed(question, f"{question} (follow-up to: {last.question})", "rules", None,
                         "no entity found in the last turn")
    resolved = resolve_pronouns(question, entity, main_person(last.answer))
    if resolved == question:  # only "there", "also", "these"...: carry the last question along for retrieval
        return Condensed(question, f"{question} (follow-up to: {last.question})", "rules", entity,
                         "nothing to substitute")
    return Condensed(question, resolved, "rules", entity, f"pronouns → {entity!r}")


_REWRITE = (
    "Rewrite the follow-up as a question that can be understood without the conversation.\n\n"
    "Conversation:\nQ: Who wrote Hamlet?\nA: William Shakespeare wrote Hamlet.\n"
    "Follow-up: When was he born?\nStandalone question: When was William Shakespeare born?\n\n"
    "Conversation:\n{history}\nFollow-up: {question}\nStandalone question:"
)


def condense_with_model(question: str, history: Sequence[Exchange], llm: LLM) -> str | None:
    """The model's standalone rewrite, or None when it failed or its reply does not look like one."""
    recent = history[-REWRITE_TURNS:]
    shown = "\n".join(f"Q: {e.question}\nA: {summary(e.answer)}" for e in recent)
    try:
        reply = llm.complete(_REWRITE.format(history=shown, question=question), stop=["\n"],
                             settings=GenerationSettings(max_tokens=48))
    except RagAgentError:
        return None  # the rules still work; the turn itself will report a dead model
    text = " ".join(reply.text.split())
    good = (text.endswith("?") and len(text) <= 3 * len(question) + 80 and text.lower() != question.lower()
            and not _UNRESOLVED.search(text))
    return text if good else None


def condense(question: str, history: Sequence[Exchange], llm: LLM | None = None) -> Condensed:
    """The standalone form of ``question`` (unchanged when it does not refer back or there is no history)."""
    if not history or not refers_back(question):
        return Condensed(question, question, "unchanged")
    if llm is not None and (rewritten := condense_with_model(question, history, llm)) is not None:
        return Condensed(question, rewritten, "model")
    return condense_with_rules(question, history)


_MARKERS = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")


def summary(answer: str, width: int = 200) -> str:
    """An answer summarised for the history: its first sentence, citation markers removed, cut to ``width``."""
    flat = " ".join(_MARKERS.sub("", answer).split())
    first = re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0]
    return first if len(first) <= width else first[: width - 1] + "…"


def history_block(history: Sequence[Exchange], *, budget_tokens: int = HISTORY_TOKENS,
                  count_tokens: Callable[[str], int] = estimate_tokens) -> str:
    """The most recent exchanges that fit in ``budget_tokens``, oldest first; older ones are dropped."""
    kept: list[str] = []
    used = 0
    for exchange in reversed(history):
        entry = f"Q: {exchange.question}\nA: {summary(exchange.answer)}"
        cost = count_tokens(entry + "\n")
        if used + cost > budget_tokens:
            break
        kept.append(entry)
        used += cost
    return "\n".join(reversed(kept))
