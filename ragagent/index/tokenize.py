"""Explicit BM25 tokenisation: lowercase, word pattern, optional stopwords and Snowball stemming.

The same :class:`Tokenizer` (recorded in the manifest) is used for documents and queries, and for
both BM25 engines, so their scores are comparable.

>>> Tokenizer().tokenize(["The transformers are introduced"])
[['transform', 'introduc']]
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from ragagent.errors import ConfigError

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class Tokenizer:
    """``stopwords``: "en" or None; ``stemmer``: a Snowball language (e.g. "english") or None."""

    stopwords: str | None = "en"
    stemmer: str | None = "english"
    lowercase: bool = True

    @cached_property
    def _stopword_set(self) -> frozenset[str]:
        if self.stopwords is None:
            return frozenset()
        if self.stopwords != "en":
            raise ConfigError(f"unsupported stopwords {self.stopwords!r} (use 'en' or none)")
        return _bm25s_stopwords_en()

    @cached_property
    def _stem(self) -> Any:
        if self.stemmer is None:
            return None
        import Stemmer

        try:
            return Stemmer.Stemmer(self.stemmer)
        except KeyError as exc:
            raise ConfigError(f"unknown stemmer language {self.stemmer!r}") from exc

    def tokenize(self, texts: Sequence[str]) -> list[list[str]]:
        stop, stem = self._stopword_set, self._stem
        out: list[list[str]] = []
        for text in texts:
            words = _TOKEN.findall(text.lower() if self.lowercase else text)
            words = [w for w in words if w not in stop]
            out.append(stem.stemWords(words) if stem is not None else words)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"stopwords": self.stopwords, "stemmer": self.stemmer, "lowercase": self.lowercase}


@lru_cache(maxsize=1)
def _bm25s_stopwords_en() -> frozenset[str]:
    """bm25s's English stopword list, read from its plain-constants module without importing the bm25s package.

    ``import bm25s`` also imports scipy and more; a query only needs this list. Same list, same source file.
    """
    if "bm25s.stopwords" in sys.modules:
        return frozenset(sys.modules["bm25s.stopwords"].STOPWORDS_EN)
    package = importlib.util.find_spec("bm25s")  # finds the package without running its __init__
    if package is None or not package.submodule_search_locations:
        raise ConfigError("English stopwords need the bm25s package: pip install bm25s")
    path = Path(next(iter(package.submodule_search_locations))) / "stopwords.py"
    spec = importlib.util.spec_from_file_location("_ragagent_bm25s_stopwords", path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"cannot read bm25s's stopwords from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOPWORDS_EN)
