# The two commands: `make serve` and `make test`. Both create .venv and install on first use.
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= indexes/demo
HOST ?= 127.0.0.1
PORT ?= 8000
PYTHON ?= python3

# Models come only from installed packages: never reach for a hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install serve test index lint clean-index

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned to the CPU build on this machine's disk: a bare `torch` would pull CUDA (GBs).
	$(BIN)/pip install --quiet torch==2.13.0
	# -qq: errors only; setuptools prints a generic banner about editable installs on every install
	$(BIN)/pip install -qq -e '.[dev,fast]'
	touch $@

install: $(BIN)/.installed

$(INDEX)/CURRENT: | $(BIN)/.installed
	$(BIN)/rag ingest corpus/literature --metadata corpus/literature/pdfs/manifest.csv --index $(INDEX)

index: $(INDEX)/CURRENT

serve: install index
	$(BIN)/rag upgrade --index $(INDEX)  # an index written by an older release: brought forward, not rebuilt
	$(BIN)/rag serve --index $(INDEX) --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check rag api tests benchmarks
	$(BIN)/ruff format --check rag api tests benchmarks
	$(BIN)/mypy -p rag -p api
	$(BIN)/lint-imports

clean-index:
	rm -rf $(INDEX)
