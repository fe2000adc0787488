"""BM25: bm25s agrees with rank-bm25 (the oracle) on scores and ranking; tokenisation is explicit."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from ragagent.index.sparse import BM25_K1, Bm25sIndex, RankBm25Index, SavedScores
from ragagent.index.tokenize import Tokenizer

VOCAB = [f"w{i}" for i in range(400)]


def _corpus(seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    # Zipf-ish draws over a large vocabulary keep every term's document frequency under N/2, where
    # Robertson's idf (rank-bm25) is positive and needs no epsilon floor.
    return [[VOCAB[min(int(rng.paretovariate(1.2)) * 3 + rng.randint(0, 2), 399)] for _ in range(rng.randint(5, 40))]
            for _ in range(300)]


@pytest.mark.parametrize("seed", range(3))
def test_bm25s_robertson_matches_rank_bm25(seed: int) -> None:
    docs = _corpus(seed)
    df: dict[str, int] = {}
    for d in docs:
        for t in set(d):
            df[t] = df.get(t, 0) + 1
    usable = [t for t, n in df.items() if n < len(docs) / 2]
    ours = Bm25sIndex.build(docs, method="robertson")
    oracle = RankBm25Index(docs)
    rng = random.Random(seed + 100)
    for _ in range(25):
        query = rng.sample(usable, 3)
        got, want = ours.search(query, 10), oracle.search(query, 10)
        # bm25s drops the constant (k1 + 1) factor of the Okapi numerator: same ranking, scaled scores.
        assert [s * (BM25_K1 + 1) for _, s in got] == pytest.approx([s for _, s in want], rel=1e-4)
        assert {p for p, _ in got} == {p for p, _ in want} or len({s for _, s in want}) < len(want)


def test_lucene_idf_stays_positive_on_tiny_corpora() -> None:
    docs = [["transform", "attent"], ["retriev", "generat"]]
    hits = Bm25sIndex.build(docs).search(["transform"], 5)
    assert [p for p, _ in hits] == [0] and hits[0][1] > 0


def test_unknown_query_terms_give_no_hits() -> None:
    assert Bm25sIndex.build([["a1", "b2"]]).search(["zzz"], 5) == []


def test_tokenizer_stopwords_and_stemming_are_configurable() -> None:
    text = ["The Running dogs are running"]
    assert Tokenizer().tokenize(text) == [["run", "dog", "run"]]
    assert Tokenizer(stopwords=None, stemmer=None).tokenize(text) == [["the", "running", "dogs", "are", "running"]]
    assert Tokenizer(stemmer=None).tokenize(text) == [["running", "dogs", "running"]]


@pytest.mark.parametrize("method", ["lucene", "robertson"])
def test_saved_index_scores_exactly_like_bm25s(method: str, tmp_path: Path) -> None:
    import bm25s

    docs = _corpus(7)
    Bm25sIndex.build(docs, method=method).save(tmp_path)
    reference = bm25s.BM25.load(str(tmp_path), allow_pickle=False, show_progress=False)
    saved = SavedScores.load(tmp_path)
    assert saved.vocab_dict == reference.vocab_dict
    rng = random.Random(3)
    for _ in range(30):
        ids = [reference.vocab_dict[t] for t in rng.sample(VOCAB[:60], 4) if t in reference.vocab_dict]
        ids += ids[:1]  # a repeated query term counts twice in both
        assert np.array_equal(saved.get_scores_from_ids(ids), reference.get_scores_from_ids(ids))
    loaded = Bm25sIndex.load(tmp_path, len(docs))
    assert isinstance(loaded._model, SavedScores)
    assert loaded.search(docs[0][:3], 10) == Bm25sIndex(reference, len(docs)).search(docs[0][:3], 10)


def test_stopwords_are_bm25s_list_without_importing_it() -> None:
    import subprocess
    import sys

    code = ("import sys; from ragagent.index.tokenize import Tokenizer; t = Tokenizer().tokenize(['the cats']);"
            "print(t, 'bm25s' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[['cat']] False False"
    from bm25s.stopwords import STOPWORDS_EN

    assert Tokenizer()._stopword_set == frozenset(STOPWORDS_EN)
