"""A contrastive citation set from SciFact abstracts and HotpotQA supporting paragraphs.

Each row is ``{claim, passage, label, kind, source}``: the claim is cited against ``passage`` and
``label`` says whether the passage supports it. Kinds:

=================  =========  ======================================================================
kind               label      claim
=================  =========  ======================================================================
``verbatim``       supported  a sentence of the passage (HotpotQA: the one that holds the answer)
``q_right``        supported  "<question>: <answer>" (HotpotQA; the answer is in the passage)
``swapped``        not        the sentence with a name / the answer replaced by one NOT in the passage
``number_changed`` not        the sentence with a number changed to one NOT in the passage
``negated``        not        the sentence with ``not`` after its first auxiliary ("was" → "was not")
``q_wrong``        not        "<question>: <another question's answer>" (not in the passage)
``q_distractor``   not        "<question>: <another name that IS in the passage>" (HotpotQA; hard for
                              any lexical check: reported, not a target)
``unrelated``      not        a sentence of another document of the same dataset
=================  =========  ======================================================================

HotpotQA passages are the question's two supporting paragraphs (a paragraph break between them);
yes/no questions and answers not found in the passages are skipped. Deterministic for a seed.
Generate with ``python benchmarks/make_citation_set.py OUT.jsonl`` (the data is not committed).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ragagent.rag.support import sentence_spans

_AUX = re.compile(r"\b(is|are|was|were|has|have|had|can|could|will|would|may|might|should|must|does|do|did)\b")
_NEGATION = re.compile(r"\b(not|no|never|none|neither|nor|without|cannot)\b|n't", re.IGNORECASE)
_NAME = re.compile(r"(?<=\w[ ,(])([A-Z][\w-]*[A-Za-z0-9](?: [A-Z][\w-]*)*)")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:\.\d+)?(?![\w.,]\d)")


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _qrels(path: Path) -> dict[str, list[str]]:
    judged: dict[str, list[str]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        query, doc, *_ = line.split("\t")
        judged[query].append(doc)
    return judged


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text) if 6 <= len(text[s:e].split()) <= 60]


def _is_name(candidate: str) -> bool:
    """A plausible name: no function word ("Such", "Among"), not a section label ("PATIENTS", "DESIGN")."""
    from ragagent.rag.terms import stopwords

    words = candidate.split()
    return not any(w.lower() in stopwords() for w in words) and not any(
        w.isupper() and len(w) > 4 and w.isalpha() for w in words)


def _absent(term: str, passage: str) -> bool:
    return term.lower() not in passage.lower()


def negate(sentence: str) -> str | None:
    """``sentence`` with "not" after its first auxiliary verb; None if it has none or is already negative."""
    match = _AUX.search(sentence)
    if match is None or _NEGATION.search(sentence):
        return None
    return f"{sentence[:match.end()]} not{sentence[match.end():]}"


def change_number(sentence: str, passage: str, rng: random.Random) -> str | None:
    """``sentence`` with one of its numbers changed to a value that does not occur in the passage."""
    numbers = list(_NUMBER.finditer(sentence))
    if not numbers:
        return None
    m = rng.choice(numbers)
    value = float(m.group(0))
    for factor in rng.sample([2, 3, 0.5, 10, 1.5], 5):
        new = value * factor if value >= 10 else value + factor * 2 + 1
        text = f"{new:g}" if "." in m.group(0) else str(round(new))
        if text != m.group(0) and _absent(text, passage):
            return sentence[:m.start()] + text + sentence[m.end():]
    return None


def swap_name(sentence: str, passage: str, names: list[str], rng: random.Random) -> str | None:
    """``sentence`` with one capitalised term replaced by a name (from ``names``) not in the passage."""
    found = [m for m in _NAME.finditer(sentence) if len(m.group(1)) > 2 and _is_name(m.group(1))]
    if not found:
        return None
    m = rng.choice(found)
    for candidate in rng.sample(names, min(20, len(names))):
        if _absent(candidate, passage) and candidate.lower() != m.group(1).lower():
            return sentence[:m.start(1)] + candidate + sentence[m.end(1):]
    return None


def scifact_rows(data: Path, rng: random.Random, limit: int) -> list[dict[str, Any]]:
    cited = {doc for docs in _qrels(data / "qrels" / "test.tsv").values() for doc in docs}
    docs = [d for d in _jsonl(data / "corpus.jsonl") if d["_id"] in cited]
    names = sorted({m.group(1) for d in docs for m in _NAME.finditer(d["text"])
                    if len(m.group(1)) > 2 and _is_name(m.group(1))})
    rows: list[dict[str, Any]] = []
    for doc in sorted(docs, key=lambda d: str(d["_id"]))[:limit]:
        passage, sentences = doc["text"], _sentences(doc["text"])
        if not sentences:
            continue
        source = f"scifact:{doc['_id']}"
        rows.append(_row(rng.choice(sentences), passage, True, "verbatim", source))
        order = rng.sample(sentences, len(sentences))
        variants = {"swapped": next((v for s in order if (v := swap_name(s, passage, names, rng))), None),
                    "number_changed": next((v for s in order if (v := change_number(s, passage, rng))), None),
                    "negated": next((v for s in order if (v := negate(s))), None)}
        rows += [_row(v, passage, False, kind, source) for kind, v in variants.items() if v]
        other = _sentences(rng.choice(docs)["text"])
        if other and other[0] not in passage:
            rows.append(_row(rng.choice(other), passage, False, "unrelated", source))
    return rows


def hotpot_rows(data: Path, rng: random.Random, limit: int) -> list[dict[str, Any]]:
    paragraphs = {d["_id"]: d["text"] for d in _jsonl(data / "corpus.jsonl")}
    judged = _qrels(data / "qrels" / "test.tsv")
    queries = [q for q in _jsonl(data / "queries.jsonl") if q["answer"].lower() not in {"yes", "no"}]
    answers = [q["answer"] for q in queries]
    rows: list[dict[str, Any]] = []
    for q in queries[:limit]:
        passage = "\n\n".join(paragraphs[d] for d in judged.get(q["_id"], []) if d in paragraphs)
        answer, question = q["answer"], q["text"].strip()
        holding = [s for s in _sentences(passage) if answer.lower() in s.lower()]
        if not holding:
            continue
        sentence, source = holding[0], f"hotpotqa:{q['_id']}"
        wrong = _wrong_answer(answer, answers, passage, rng)
        rows.append(_row(sentence, passage, True, "verbatim", source))
        rows.append(_row(f"{question}: {answer}", passage, True, "q_right", source))
        if wrong is not None:
            at = sentence.lower().index(answer.lower())
            rows.append(_row(sentence[:at] + wrong + sentence[at + len(answer):], passage, False, "swapped", source))
            rows.append(_row(f"{question}: {wrong}", passage, False, "q_wrong", source))
        distractor = _distractor(answer, question, passage, rng)
        other = _sentences(paragraphs[rng.choice(list(paragraphs))])
        for kind, variant in (("number_changed", change_number(sentence, passage, rng)),
                              ("negated", negate(sentence)),
                              ("q_distractor", f"{question}: {distractor}" if distractor else None),
                              ("unrelated", rng.choice(other) if other and other[0] not in passage else None)):
            if variant:
                rows.append(_row(variant, passage, False, kind, source))
    return rows


def _wrong_answer(answer: str, answers: list[str], passage: str, rng: random.Random) -> str | None:
    """Another question's answer of the same shape (number or name) that the passage does not contain."""
    numeric = bool(re.search(r"\d", answer))
    pool = [a for a in answers if bool(re.search(r"\d", a)) == numeric and a.lower() != answer.lower()
            and (numeric or (a[:1].isupper() and _is_name(a)))]  # an entity or a number, as the answer is
    for candidate in rng.sample(pool, min(30, len(pool))):
        if _absent(candidate, passage):
            return str(candidate)
    return None


def _distractor(answer: str, question: str, passage: str, rng: random.Random) -> str | None:
    """A capitalised name of the passage that shares no word with the answer and is not in the question."""
    words = set(answer.lower().split()) | set(re.findall(r"\w+", question.lower()))
    names = sorted({m.group(1) for m in _NAME.finditer(passage)
                    if len(m.group(1)) > 3 and not words & set(m.group(1).lower().split())})
    return rng.choice(names) if names else None


def _row(claim: str, passage: str, supported: bool, kind: str, source: str) -> dict[str, Any]:
    return {"claim": " ".join(claim.split()), "passage": passage, "label": "supported" if supported else "not",
            "kind": kind, "source": source}


def build(data_dir: Path, *, seed: int = 13, per_dataset: int = 300) -> list[dict[str, Any]]:
    """Rows from ``data_dir/scifact`` and ``data_dir/hotpotqa`` (``per_dataset`` documents/questions each)."""
    rng = random.Random(seed)
    return scifact_rows(data_dir / "scifact", rng, per_dataset) + hotpot_rows(data_dir / "hotpotqa", rng, per_dataset)
