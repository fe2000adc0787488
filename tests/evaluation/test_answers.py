"""Answer metrics: SQuAD-style EM/contains/F1 and the standard ROUGE-L (rouge-score) and BLEU (sacrebleu)."""

from __future__ import annotations

import pytest

from ragagent.evaluation.answers import RagItem, bleu, contains, exact_match, rouge_l, score_answers, token_f1
from ragagent.types import Answer


def test_squad_normalisation() -> None:
    assert exact_match("The Eiffel Tower!", "eiffel tower") == 1.0
    assert exact_match("Eiffel", "eiffel tower") == 0.0
    assert contains("It was built in 1889 by Eiffel.", "1889") == 1.0
    assert contains("It was built in 18890.", "1889") == 0.0
    assert token_f1("built in 1889", "1889") == pytest.approx(0.5)


def test_rouge_l_is_the_lcs_f_measure() -> None:
    # LCS("the cat sat on the mat", "the cat is on the mat") = 5 tokens; P = R = 5/6.
    assert rouge_l("the cat sat on the mat", "the cat is on the mat") == pytest.approx(5 / 6)
    assert rouge_l("completely different words", "the cat is on the mat") == 0.0
    assert rouge_l("", "") == 1.0


def test_bleu_uses_sacrebleu_sentence_bleu() -> None:
    assert bleu("the cat is on the mat", "the cat is on the mat") == pytest.approx(1.0)
    partial = bleu("the cat sat on the mat", "the cat is on the mat")
    assert 0.2 < partial < 0.6
    assert bleu("", "the cat") == 0.0


def test_score_answers_averages_every_metric() -> None:
    items = [RagItem("q1", "Paris"), RagItem("q2", "1889")]
    answers = [
        Answer(question="q1", text="Paris", mode="rag"),
        Answer(question="q2", text="I do not know.", mode="rag", answered=False),
    ]
    scores = score_answers(items, answers)
    assert scores.n == 2
    assert scores.exact_match == pytest.approx(0.5)
    assert scores.rouge_l == pytest.approx(0.5)
    assert scores.bleu == pytest.approx(0.5)
    assert scores.not_in_documents_rate == pytest.approx(0.5)
