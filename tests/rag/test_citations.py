"""Citation parsing and verification with fixed passages (no model)."""

from __future__ import annotations

import ragagent
from ragagent.rag.citations import CitationVerifier, parse_claims
from ragagent.rag.support import Support
from ragagent.types import Chunk, Span

PASSAGES = [
    Chunk.create("The Transformer architecture was introduced in 2017 by Vaswani and colleagues.",
                 Span("transformers.md", None, 0, 80)),
    Chunk.create("PAL asks the model to write a Python program; an interpreter runs it to get the answer.",
                 Span("pal.pdf", 2, 10, 97)),
    Chunk.create("BM25 scores exact term matches between the query and each passage.", Span("rag.md", None, 5, 71)),
]


def test_verifier_is_exported_and_constructible_without_arguments() -> None:
    assert ragagent.CitationVerifier is CitationVerifier
    assert CitationVerifier().verify("", PASSAGES) == ()


def test_marker_forms() -> None:
    claims = parse_claims("Transformers date from 2017 [1]. PAL runs programs [2][3]. Both matter [1, 3]. Done [2;1].")
    assert [c.numbers for c in claims] == [(1,), (2, 3), (1, 3), (2, 1)]
    assert claims[0].text == "Transformers date from 2017 ."


def test_supported_citation_is_verified_with_provenance_and_quote_offsets() -> None:
    cites = CitationVerifier().verify("The Transformer was introduced in 2017 by Vaswani [1].", PASSAGES)
    assert len(cites) == 1
    c = cites[0]
    assert (c.n, c.chunk_id, c.source, c.verified, c.verdict, c.reason) == (
        1, PASSAGES[0].id, "transformers.md", True, "supported", None)
    assert (c.start, c.end) == (0, 80) and c.support >= 0.6
    assert PASSAGES[0].text[c.quote_start:c.quote_end] == c.quote and "2017" in c.quote
    page = "x" * 40 + PASSAGES[2].text  # the chunk is page[40:]: quote offsets map into the page
    bm25 = Chunk.create(PASSAGES[2].text, Span("rag.md", None, 40, len(page)))
    cite = CitationVerifier().verify("BM25 scores exact term matches [1].", [bm25])[0]
    start, end = cite.quote_in_source()
    assert page[start:end] == cite.quote


def test_wrong_year_is_unverified_with_its_reason() -> None:
    c = CitationVerifier().verify("The Transformer was introduced in 2019 by Vaswani [1].", PASSAGES)[0]
    assert not c.verified and c.verdict == "contradicted" and c.reason == "'2019' not in the cited passage"


def test_out_of_range_numbers_are_dropped() -> None:
    cites = CitationVerifier().verify("Something about BM25 term matches [7]. And [0] too.", PASSAGES)
    assert cites == ()


def test_markers_after_the_full_stop_belong_to_the_sentence() -> None:
    claims = parse_claims("BM25 scores exact term matches. [3] Next sentence here [1].")
    assert [(c.text, c.numbers) for c in claims] == [("BM25 scores exact term matches.", (3,)),
                                                     ("Next sentence here .", (1,))]


def test_duplicates_are_reported_once() -> None:
    cites = CitationVerifier().verify("BM25 scores exact term matches [3][3]. BM25 matches query terms [3].", PASSAGES)
    assert [c.n for c in cites] == [3] and cites[0].verified


def test_unsupported_sentence_is_marked_unverified() -> None:
    cites = CitationVerifier().verify("The Eiffel Tower is in Paris and opened in 1889 [2].", PASSAGES)
    assert len(cites) == 1 and cites[0].n == 2 and cites[0].verified is False and cites[0].reason


def test_one_unsupported_use_makes_the_passage_unverified() -> None:
    answer = "PAL writes a Python program that an interpreter runs [2]. Bananas are yellow fruit [2]."
    cites = CitationVerifier().verify(answer, PASSAGES)
    assert cites[0].verified is False and "Bananas" in cites[0].claim


def test_a_bare_marker_marks_no_claim() -> None:
    c = CitationVerifier().verify("[1]", PASSAGES)[0]
    assert not c.verified and c.reason == "the citation marks no claim"


def test_answer_without_citations_has_none() -> None:
    assert CitationVerifier().verify("Transformers were introduced in 2017.", PASSAGES) == ()


def test_the_configured_checker_decides() -> None:
    class Always:
        def check(self, claim: str, evidence: str) -> Support:
            return Support("supported", 0.9, None, 0, 3, evidence[:3])

    cites = CitationVerifier(Always()).verify("Completely different wording here [1].", PASSAGES)
    assert cites[0].verified and cites[0].support == 0.9 and cites[0].quote == "The"


def test_uncited_supported_sentence_is_attributed_and_labelled() -> None:
    text, cites = CitationVerifier().finalise(
        "The Transformer architecture was introduced in 2017. Bananas are yellow.", PASSAGES)
    assert text == "The Transformer architecture was introduced in 2017 [1]. Bananas are yellow."
    assert [(c.n, c.origin, c.verified) for c in cites] == [(1, "attributed", True)]


def test_uncited_wrong_fact_is_not_attributed() -> None:
    text, cites = CitationVerifier().finalise("The Transformer architecture was introduced in 2015.", PASSAGES)
    assert text == "The Transformer architecture was introduced in 2015." and cites == ()


def test_a_supported_citation_is_left_as_the_model_wrote_it() -> None:
    text, cites = CitationVerifier().finalise("BM25 scores exact term matches [3].", PASSAGES)
    assert text == "BM25 scores exact term matches [3]."
    assert [(c.n, c.origin, c.verified, c.corrected_from) for c in cites] == [(3, "model", True, None)]


def test_a_citation_of_the_wrong_passage_is_moved_to_the_one_that_supports_it() -> None:
    text, cites = CitationVerifier().finalise("BM25 scores exact term matches [2].", PASSAGES)
    assert text == "BM25 scores exact term matches [3]."
    assert [(c.n, c.origin, c.verified, c.corrected_from) for c in cites] == [(3, "corrected", True, 2)]
    assert cites[0].source == "rag.md" and cites[0].quote.startswith("BM25 scores")


def test_an_out_of_range_number_is_corrected_when_a_passage_supports_the_claim() -> None:
    text, cites = CitationVerifier().finalise("PAL asks the model to write a Python program [7].", PASSAGES)
    assert text == "PAL asks the model to write a Python program [2]."
    assert [(c.n, c.corrected_from) for c in cites] == [(2, 7)]


def test_an_unsupported_claim_keeps_the_models_number_unverified() -> None:
    text, cites = CitationVerifier().finalise("The Transformer architecture was introduced in 2015 [1].", PASSAGES)
    assert text == "The Transformer architecture was introduced in 2015 [1]."
    assert [(c.n, c.origin, c.verified) for c in cites] == [(1, "model", False)]
    assert "2015" in (cites[0].reason or "")


def test_correction_can_be_turned_off() -> None:
    text, cites = CitationVerifier().finalise("BM25 scores exact term matches [2].", PASSAGES, correct=False)
    assert text == "BM25 scores exact term matches [2]." and [(c.n, c.verified) for c in cites] == [(2, False)]


TWO_HOP = [
    Chunk.create("The Salt Orchard is a 1994 novel by the Finnish writer Marta Lind.", Span("novels.md", None, 0, 66)),
    Chunk.create("Erik Sand (born 1950 in Turku) is a Finnish painter.", Span("painters.md", None, 0, 52)),
    Chunk.create("Marta Lind (born 1952 in Tampere) is a novelist and translator.", Span("writers.md", None, 0, 63)),
]


def test_each_clause_of_a_two_passage_sentence_is_judged_by_its_own_marker() -> None:
    answer = "The Salt Orchard was written by Marta Lind [1], who was born in Tampere [3]."
    text, cites = CitationVerifier().finalise(answer, TWO_HOP)
    assert text == answer
    assert [(c.n, c.origin, c.verified) for c in cites] == [(1, "model", True), (3, "model", True)]


def test_a_wrong_clause_marker_is_corrected_and_the_right_one_kept() -> None:
    answer = "The Salt Orchard was written by Marta Lind [1], who was born in Tampere [2]."
    text, cites = CitationVerifier().finalise(answer, TWO_HOP)
    assert text == "The Salt Orchard was written by Marta Lind [1], who was born in Tampere [3]."
    assert [(c.n, c.origin, c.corrected_from) for c in cites] == [(1, "model", None), (3, "corrected", 2)]


def test_a_passage_cited_by_the_model_and_attributed_elsewhere_keeps_the_models_citation() -> None:
    text, cites = CitationVerifier().finalise(
        "BM25 scores exact term matches between the query and each passage. BM25 scores exact term matches [3].",
        PASSAGES)
    assert text.count("[3]") == 2 and [(c.n, c.origin) for c in cites] == [(3, "model")]


def test_initials_and_titles_do_not_end_a_sentence() -> None:
    claims = parse_claims("Michael C. Hall starred in Dexter [1]. Dr. Lind lives in St. Louis [2]. It ended [3].")
    assert [(c.text, c.numbers) for c in claims] == [("Michael C. Hall starred in Dexter .", (1,)),
                                                     ("Dr. Lind lives in St. Louis .", (2,)), ("It ended .", (3,))]
