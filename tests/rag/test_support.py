"""The lexical checker's rules, one must-verify and one must-not case each; quotes are exact windows."""

from __future__ import annotations

import pytest

from ragagent.rag.lexical import LexicalChecker
from ragagent.rag.support import Support, sentence_spans
from ragagent.rag.terms import read_terms

CHECK = LexicalChecker()
TOWER = ("Paris is the capital of France. The Eiffel Tower was completed in 1889 for the World's Fair. "
         "It is 330 metres tall and weighs about 10,000 tonnes. Gustave Eiffel's company built it.")


def check(claim: str, evidence: str = TOWER, checker: LexicalChecker = CHECK) -> Support:
    support = checker.check(claim, evidence)
    assert evidence[support.start:support.end] == support.quote  # offsets always reproduce the quote
    return support


def test_sentence_spans_are_exact_and_keep_abbreviations() -> None:
    text = "Mice (e.g. strain B6) were used. Dr. Smith led the study.\n\nA new paragraph starts here"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Mice (e.g. strain B6) were used.", "Dr. Smith led the study.",
                                             "A new paragraph starts here"]


def test_alignment_quotes_the_best_window_not_the_chunk() -> None:
    s = check("The Eiffel Tower was completed in 1889.")
    assert s.supported and s.quote == "The Eiffel Tower was completed in 1889 for the World's Fair."


def test_alignment_takes_two_sentences_when_the_claim_needs_both() -> None:
    s = check("The Eiffel Tower, completed in 1889, is 330 metres tall.")
    assert s.supported
    assert s.quote == ("The Eiffel Tower was completed in 1889 for the World's Fair. "
                       "It is 330 metres tall and weighs about 10,000 tonnes.")


def test_numbers_must_match_after_normalisation() -> None:
    assert check("The tower weighs about 10000 tonnes.").supported
    assert check("It weighs about ten thousand tonnes.").supported
    wrong = check("The Eiffel Tower was completed in 1923 for the World's Fair.")
    assert wrong.verdict == "contradicted" and wrong.reason == "'1923' not in the cited passage"


def test_a_number_from_a_distant_sentence_is_not_support() -> None:
    evidence = ("Marie Curie was born in Warsaw in 1867. She studied in Paris. She met Pierre there. They married. "
                "Their daughter Irene was born later. Marie Curie won the Nobel Prize in physics.")
    assert check("Marie Curie won the Nobel Prize in physics.", evidence).supported
    s = check("Marie Curie won the Nobel Prize in physics in 1867.", evidence)
    assert not s.supported and s.reason == "'1867' not in the quoted evidence"


def test_units_must_match() -> None:
    assert check("The Eiffel Tower is 330 metres tall.").supported
    s = check("The Eiffel Tower is 330 feet tall.")
    assert not s.supported and "unit" in (s.reason or "")


def test_names_must_be_in_the_passage() -> None:
    assert check("Gustave Eiffel's company built the tower.").supported
    s = check("Gustave Klimt's company built the tower.")
    assert s.verdict == "not-supported" and s.reason == "'Klimt' not in the cited passage"


def test_a_name_stated_elsewhere_in_the_passage_is_context() -> None:
    # "Paris" is only in the first sentence; the passage is about the tower throughout.
    assert check("The Eiffel Tower in Paris was completed in 1889.").supported


def test_a_misspelt_long_name_still_matches_but_another_name_does_not() -> None:
    evidence = "Swan Lake is a ballet composed by Pyotr Tchaikovsky in 1875 and 1876."
    assert check("Swan Lake is a ballet composed by Tchaikowsky.", evidence).supported
    s = check("Swan Lake is a ballet composed by Rachmaninoff.", evidence)
    assert not s.supported and s.reason == "'Rachmaninoff' not in the cited passage"


def test_capitalised_first_word_is_a_name_when_the_collection_rarely_uses_it() -> None:
    class Counts:
        documents = 1000

        def document_frequency(self, term: str) -> int:
            return {"patient": 400}.get(term, 0)

    checker = LexicalChecker(Counts())
    evidence = "Patients were treated with aspirin. Aspirin reduced fever in most patients."
    assert check("Patients were treated with aspirin.", evidence, checker).supported
    s = check("Ibuprofen reduced fever in most patients.", evidence, checker)
    assert not s.supported and s.reason == "'Ibuprofen' not in the cited passage"


def test_rare_terms_must_be_in_the_passage() -> None:
    class Counts:
        documents = 10_000

        def document_frequency(self, term: str) -> int:
            return {"homocystein": 3, "glucos": 4}.get(term, 500)

    checker = LexicalChecker(Counts())
    evidence = "A deficiency of vitamin B12 increases blood levels of homocysteine in older adults."
    assert check("Vitamin B12 deficiency increases blood levels of homocysteine.", evidence, checker).supported
    s = check("Vitamin B12 deficiency increases blood levels of glucose.", evidence, checker)
    assert not s.supported and s.reason == "'glucose' (a rare term) not in the cited passage"


@pytest.mark.parametrize("claim", ["The Eiffel Tower was not completed in 1889.",
                                   "The Eiffel Tower wasn't completed in 1889 for the World's Fair."])
def test_a_negated_claim_contradicts_a_positive_source(claim: str) -> None:
    s = check(claim)
    assert s.verdict == "contradicted" and s.reason == "negated in the answer, not in the source"


def test_negation_must_agree_in_both_directions() -> None:
    evidence = "Aspirin did not reduce mortality in the trial, but it lowered fever."
    assert check("Aspirin did not reduce mortality in the trial.", evidence).supported
    assert check("Aspirin lowered fever in the trial.", evidence).supported  # the cue is about another clause
    s = check("Aspirin reduced mortality in the trial.", evidence)
    assert s.verdict == "contradicted" and s.reason == "negated in the source, not in the answer"


def test_too_few_claim_terms_in_the_evidence() -> None:
    s = check("The tower has elevators, restaurants and a souvenir shop.")
    assert s.verdict == "not-supported" and (s.reason or "").startswith("only ")


def test_question_and_answer_claims_need_the_answer_in_the_window() -> None:
    assert check("When was the Eiffel Tower completed?: 1889").supported
    assert check("Whose company built the Eiffel Tower? Gustave Eiffel's").supported
    s = check("Whose company built the Eiffel Tower?: the army")
    assert not s.supported and "(the answer)" in (s.reason or "")


def test_a_questions_own_names_and_numbers_are_context_not_claims() -> None:
    # The question names a place and a date the passage does not state; the answer is what is checked.
    assert check("Which tower of the 1900 Paris Exposition was completed in 1889?: The Eiffel Tower").supported
    assert not check("Which tower of the 1900 Paris Exposition was completed in 1889?: The Blackpool Tower").supported
    # A sentence that merely ends in "?" asks nothing: its numbers are claims.
    assert not check("Was the Eiffel Tower completed in 1925?").supported


def test_empty_claim_or_evidence_is_not_supported() -> None:
    assert check("the of and").reason == "the claim has no content words to check"
    assert check("The tower is tall.", "   ").reason == "the cited passage is empty"


def test_terms_normalise_numbers_units_and_negation_scope() -> None:
    t = read_terms("Revenue did not reach 1,000 dollars; one thousand units, 5% or 2.5 million.")
    assert t.numbers == {1000.0, 5.0, 2_500_000.0} and {"dollar", "percent"} <= t.units
    assert t.negations == (frozenset({"reach", "dollar"}),)
