"""Export a sentence-transformers model to ONNX (once; needs torch) and verify it against sentence-transformers.

    python -m ragagent.onnx_export [MODEL ...]     # `make setup` runs this; otherwise it happens on first use

The graph is the transformer plus sentence-transformers' mean pooling (and Normalize, when the model has
it), so ONNX Runtime returns the final sentence vectors. The export is kept only if, on a fixed sample
(short queries, padding, Unicode, and a text far beyond the truncation length), every vector has cosine
≥ :data:`~ragagent.onnx_encoder.MIN_COSINE` with sentence-transformers' at both the model's own token
limit and ragagent's 128; otherwise the directory records the failure and queries use sentence-transformers.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ragagent.errors import EncoderUnavailableError
from ragagent.files import write_atomically as _write
from ragagent.onnx_encoder import META_FILE, MIN_COSINE, MODEL_FILE, TOKENIZER_FILE, ExportInfo, OnnxEmbedder

_LONG = "Hybrid retrieval fuses BM25 scores with dense cosine similarities from a sentence encoder. " * 30
VERIFY_SAMPLE = (
    "what is react",
    "When was the transformer architecture introduced?",
    "Who proposed PAL, and at which university?",
    "  leading and trailing spaces  ",
    "UPPER CASE QUERY ABOUT LoRA FINE-TUNING",
    "naïve café — Unicode, emoji 🙂, Ελληνικά and numbers 3.14159",
    "x",
    "",
    "Reciprocal rank fusion sums 1 / (k + rank) over the retrievers; convex combination mixes normalised scores.",
    _LONG,
)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_model(model_dir: Path, target: Path, model_name: str) -> ExportInfo:
    """Export ``model_dir`` into ``target`` (atomically) and return what was recorded in its ``meta.json``."""
    try:
        import onnx  # noqa: F401 - torch.onnx.export writes through it
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # not remembered: installing the package fixes it
        raise EncoderUnavailableError(f"exporting the ONNX encoder needs {exc.name} (pip install {exc.name})") from exc
    print(f"ragagent: exporting {model_name} to ONNX for fast queries (once, about 20 s)", file=sys.stderr)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    model: Any = SentenceTransformer(str(model_dir), device="cpu")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        try:
            _export_graph(torch, model, _check_structure(model), staging / MODEL_FILE)
        except Exception as exc:
            failed = ExportInfo(model_name=model_name, dimension=_dimension(model), max_seq_length=0, lowercase=False,
                                verified=False, min_cosine=0.0, samples=0, error=f"{type(exc).__name__}: {exc}"[:300])
            _write(staging / META_FILE, _json(failed))
            _publish(staging, target)
            raise EncoderUnavailableError(f"ONNX export of {model_name} failed: {failed.error}") from exc
        model.tokenizer.backend_tokenizer.save(str(staging / TOKENIZER_FILE))
        info = ExportInfo(model_name=model_name, dimension=_dimension(model), max_seq_length=int(model.max_seq_length),
                          lowercase=bool(getattr(model[0], "do_lower_case", False)), verified=True, min_cosine=0.0,
                          samples=len(VERIFY_SAMPLE))
        _write(staging / META_FILE, _json(info))  # provisional, so the encoder can be loaded for the check
        info = ExportInfo(**{**asdict(info), "min_cosine": _agreement(model, staging, model_name)})
        info = ExportInfo(**{**asdict(info), "verified": info.min_cosine >= MIN_COSINE})
        _write(staging / META_FILE, _json(info))
        _publish(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not info.verified:
        print(f"ragagent: the ONNX export of {model_name} does not match sentence-transformers "
              f"(min cosine {info.min_cosine:.6f}); queries will use sentence-transformers", file=sys.stderr)
    return ExportInfo.read(target)


def _publish(staging: Path, target: Path) -> None:
    """Rename the finished export into place; a concurrent export that finished first wins."""
    try:
        staging.rename(target)
    except OSError:
        if not (target / META_FILE).is_file():
            raise


def _check_structure(model: Any) -> bool:
    """Whether the model ends in Normalize; raises unless it is Transformer → mean Pooling (→ Normalize)."""
    names = [type(module).__name__ for module in model]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise EncoderUnavailableError(f"only Transformer + Pooling (+ Normalize) models can be exported, not {names}")
    pooling = model[1]
    legacy = getattr(pooling, "get_pooling_mode_str", None)  # sentence-transformers < 6
    mode = legacy() if legacy else pooling.get_config_dict().get("pooling_mode")
    if mode != "mean":
        raise EncoderUnavailableError(f"only mean pooling can be exported, not {mode!r}")
    return len(names) == 3


def _dimension(model: Any) -> int:
    get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(get())


def _export_graph(torch: Any, model: Any, normalize: bool, path: Path) -> None:
    class Pooled(torch.nn.Module):  # type: ignore[misc]
        """The transformer, then sentence-transformers' mean pooling and Normalize, as one graph."""

        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            tokens = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(1) / torch.clamp(mask.sum(1), min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1) if normalize else pooled

    example = model.tokenizer(["a b", "c d e f"], padding=True, return_tensors="pt")
    args = tuple(example[name] for name in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS} | {"embedding": {0: "batch"}}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(Pooled(model[0].auto_model.eval()), args, str(path), input_names=list(INPUTS),
                          output_names=["embedding"], dynamic_axes=axes, opset_version=17, dynamo=False)


def _agreement(model: Any, staging: Path, model_name: str) -> float:
    """The lowest cosine between ONNX and sentence-transformers vectors over the sample, batched and one by one."""
    from ragagent.embeddings import MAX_SEQ_LENGTH

    own = int(model.max_seq_length)
    worst = 1.0
    for length in sorted({own, min(own, MAX_SEQ_LENGTH)}):
        model.max_seq_length = length
        reference = model.encode(list(VERIFY_SAMPLE), batch_size=len(VERIFY_SAMPLE), convert_to_numpy=True,
                                 normalize_embeddings=True, show_progress_bar=False)
        encoder = OnnxEmbedder(staging, model_name, max_seq_length=length, batch_size=4)
        batched = encoder.embed_documents(list(VERIFY_SAMPLE))
        single = np.stack([encoder.embed_query(text) for text in VERIFY_SAMPLE])
        for vectors in (batched, single):
            worst = min(worst, float(np.min(np.sum(_unit(vectors) * _unit(reference), axis=1))))
    model.max_seq_length = own
    return worst


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.where(norms == 0, 1.0, norms), dtype=np.float64)


def _json(info: ExportInfo) -> str:
    import json

    return json.dumps(asdict(info), indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Export (if needed) and report each model named on the command line (default: the bundled MiniLM)."""
    from ragagent.embeddings import DEFAULT_EMBEDDING_MODEL, resolve_model_path
    from ragagent.onnx_encoder import export_dir

    status = 0
    for name in (argv if argv is not None else sys.argv[1:]) or [DEFAULT_EMBEDDING_MODEL]:
        try:
            OnnxEmbedder.load(name)
            info = ExportInfo.read(export_dir(Path(resolve_model_path(name))))
            print(f"{name}: ONNX encoder ready, min cosine {info.min_cosine:.6f} vs sentence-transformers")
        except EncoderUnavailableError as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
