# Gemeentetolk. Two commands set everything up: `make run` and `make test`.
# Every target is idempotent: stamp files make a second run fast when nothing changed.

VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
RASA    := $(BIN)/rasa
GT      := $(BIN)/gemeentetolk
STAMP   := var/stamps
RASA_FILES := --domain bot/domain --endpoints bot/endpoints.yml --credentials bot/credentials.yml
TRAIN_INPUTS := config.yml $(wildcard bot/domain/*.yml) $(shell find data -name '*.yml' 2>/dev/null)
DB_INPUTS := $(wildcard glossary/terms/*.yml) $(wildcard data/municipalities/*.yml) \
	$(wildcard bot/services/migrations/versions/*.py)

# This checkout's code first (also for helper worktrees that share one .venv).
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export GEMEENTETOLK_ACTION_URL ?= http://127.0.0.1:5055/webhook
export GEMEENTETOLK_TRACKER_DB_URL ?= sqlite:///$(CURDIR)/var/tracker.db

.PHONY: run test shell train setup install nlp db lint pytest validate stories bench eval bench-glossary bench-publish clean help

help:
	@echo "make run    - install, prepare and start the assistant (Ctrl-C stops it)"
	@echo "make test   - install, prepare and run every test"
	@echo "make shell  - talk to the assistant in the terminal (for civil servants)"
	@echo "make train  - train the model when the training data changed"
	@echo "make bench  - measure latency, memory and cold start"

run: setup
	$(GT) run

shell: setup
	$(GT) shell

test: setup lint pytest validate stories

setup: install nlp db train

# --- installation -------------------------------------------------------
install: $(STAMP)/install
$(STAMP)/install: pyproject.toml
	@bash .ci/make-venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@mkdir -p $(STAMP) && touch $@

# The design asks for nl_core_news_sm. We try it once; without internet this fails fast.
$(STAMP)/nl-model-tried: $(STAMP)/install
	@echo "Trying to install nl_core_news_sm 3.4.0 (fails quickly without internet; that is fine)..."
	-@timeout 60 $(PY) -m spacy download nl_core_news_sm-3.4.0 --direct --quiet \
		--timeout 10 --retries 0 >var/nl-model-download.log 2>&1 \
		&& echo "nl_core_news_sm installed." \
		|| echo "nl_core_news_sm is not available here; using the local Dutch pipeline."
	@touch $@

nlp: $(STAMP)/nlp
$(STAMP)/nlp: $(STAMP)/nl-model-tried bot/services/nlp.py
	$(GT) nlp prepare
	@touch $@

db: $(STAMP)/db
$(STAMP)/db: $(STAMP)/install $(DB_INPUTS)
	$(GT) setup
	@touch $@

# --- training ------------------------------------------------------------
# The stamp skips Rasa entirely when nothing changed; Rasa's own fingerprint
# skips retraining when the stamp is gone but the model in models/ still fits.
# PYTHONHASHSEED=0: Rasa 3.6's domain fingerprint follows set order, and "Publiceren" in the
# workspace fine-tunes this model (rasa train --finetune), which needs the same fingerprint.
train: $(STAMP)/train
$(STAMP)/train: $(STAMP)/nlp $(TRAIN_INPUTS)
	PYTHONHASHSEED=0 flock var/train.lock $(RASA) train --config config.yml --domain bot/domain --data data --out models --quiet
	@touch $@

# --- tests ----------------------------------------------------------------
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

pytest: setup $(STAMP)/chromium
	$(PY) -m pytest

# The widget's browser tests drive Debian's Chromium (Playwright never downloads a browser).
$(STAMP)/chromium:
	@test -x /usr/bin/chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	@mkdir -p $(STAMP) && touch $@

validate: setup
	$(RASA) data validate --config config.yml --domain bot/domain --data data --fail-on-warnings

# Conversation tests: tests/test_stories.yml plus the per-feature files in tests/stories/.
stories: setup
	@rm -rf var/test-stories && mkdir -p var/test-stories
	@cp tests/test_stories.yml $(wildcard tests/stories/*.yml) var/test-stories/
	$(RASA) test core --stories var/test-stories --model models --out results --fail-on-prediction-errors

# --- measurements ---------------------------------------------------------
bench: setup
	$(PY) -m tools.bench

eval: setup
	$(PY) -m tools.eval

bench-glossary: db
	$(PY) -m tools.bench_glossary

# "Publiceren" in the workspace: approved change -> live model (reports/publish.json).
bench-publish: setup
	$(PY) -m tools.publish_bench

clean:
	rm -rf var models results reports
