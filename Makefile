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

.PHONY: install serve test index lint lock audit clean-index

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	# Every dependency exactly as locked, each file checked against its SHA-256 (torch: the CPU build on
	# this machine's disk; a bare `torch` would pull CUDA). `make lock` re-resolves the lock.
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	# -qq: errors only; setuptools prints a generic banner about editable installs on every install
	$(BIN)/pip install -qq --no-deps --no-build-isolation -e .
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
	$(BIN)/ruff check rag api tests benchmarks security
	$(BIN)/ruff format --check rag api tests benchmarks security
	$(BIN)/mypy -p rag -p api
	$(BIN)/lint-imports

# Re-resolve requirements.lock (service, fast backends, dev tools) with hashes, keeping the versions of
# the current .venv; needs the package index. Then `make audit` and `make test`.
lock: install
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip freeze --exclude-editable > .lock-constraints.txt
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links --extra fast --extra distributed --extra dev -c .lock-constraints.txt -o requirements.lock pyproject.toml
	rm -f .lock-constraints.txt

# Locked, installed and minimum-pinned versions against security/advisories.json (offline).
audit: install
	$(BIN)/python -m security.audit

clean-index:
	rm -rf $(INDEX)
