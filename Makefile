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

.PHONY: run run-scaled test shell train setup install nlp db lint pytest validate stories bench eval bench-glossary bench-publish load scaled-deps soak clean help

help:
	@echo "make run    - install, prepare and start the assistant (Ctrl-C stops it)"
	@echo "make test   - install, prepare and run every test"
	@echo "make shell  - talk to the assistant in the terminal (for civil servants)"
	@echo "make train  - train the model when the training data changed"
	@echo "make bench  - measure latency, memory and cold start"
	@echo "make eval   - NLU benchmark on the test sets (reports/nlu.md; takes long)"
	@echo "make bench-glossary - the glossary matcher against one compiled regex"
	@echo "make bench-publish  - Publiceren: approved change to live model (reports/publish.json)"
	@echo "make run-scaled - PostgreSQL, Redis, nginx, two Rasa instances and two action servers"
	@echo "make load   - Locust load test: CPU per turn, capacity, scale-out (reports/load.json)"
	@echo "make soak   - 10,000 messages through the website channel: errors and memory (15 min)"

run: setup
	$(GT) run

shell: setup
	$(GT) shell

# The scaled profile (docs/operations.md, "Scaling"): installs PostgreSQL, Redis and nginx
# from Debian when missing and keeps their data in var/scaled/.
run-scaled: setup scaled-deps
	$(GT) run-scaled

# PostgreSQL, Redis and nginx from Debian's packages, only when missing (fast otherwise).
scaled-deps: install
	@$(PY) -m bot.cli.services install

test: setup lint pytest validate stories

setup: install nlp db train

# --- installation -------------------------------------------------------
install: $(STAMP)/install
# Each step prints what it does; a step whose inputs did not change prints nothing.
$(STAMP)/install: pyproject.toml
	@echo "== Stap 1/5: Python 3.10-omgeving en pakketten (Rasa is groot: de eerste keer een paar minuten)"
	@bash .ci/make-venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check --progress-bar on -e '.[dev]'
	@mkdir -p $(STAMP) && touch $@

# The design asks for nl_core_news_sm. We try it once; without internet this fails fast.
$(STAMP)/nl-model-tried: $(STAMP)/install
	@echo "== Stap 2/5: Nederlands taalmodel nl_core_news_sm 3.4.0 proberen (zonder internet mislukt dit snel; dat is goed)"
	-@timeout 60 $(PY) -m spacy download nl_core_news_sm-3.4.0 --direct --quiet \
		--timeout 10 --retries 0 >var/nl-model-download.log 2>&1 \
		&& echo "nl_core_news_sm installed." \
		|| echo "nl_core_news_sm is not available here; using the local Dutch pipeline."
	@touch $@

nlp: $(STAMP)/nlp
$(STAMP)/nlp: $(STAMP)/nl-model-tried bot/services/nlp.py
	@echo "== Stap 3/5: Nederlandse taalpipeline (spaCy) klaarzetten in var/spacy/nl"
	$(GT) nlp prepare
	@touch $@

db: $(STAMP)/db
$(STAMP)/db: $(STAMP)/install $(DB_INPUTS)
	@echo "== Stap 4/5: database bijwerken, woordenlijst en gemeenteprofielen laden"
	$(GT) setup
	@touch $@

# --- training ------------------------------------------------------------
# The stamp skips Rasa entirely when nothing changed; Rasa's own fingerprint
# skips retraining when the stamp is gone but the model in models/ still fits.
# PYTHONHASHSEED=0: Rasa 3.6's domain fingerprint follows set order, and "Publiceren" in the
# workspace fine-tunes this model (rasa train --finetune), which needs the same fingerprint.
train: $(STAMP)/train
# bot.plugins.quiet: Rasa's own command line, with the known third-party warnings dropped
# (bot/services/noise.py), so a real warning stands out. Rasa shows the epochs as it trains.
TRAIN_CMD = PYTHONHASHSEED=0 flock var/train.lock $(PY) -m bot.plugins.quiet train --config config.yml --domain bot/domain --data data --out models
$(STAMP)/train: $(STAMP)/nlp $(TRAIN_INPUTS)
	@echo "== Stap 5/5: model trainen (alleen als de trainingsdata veranderde; de eerste keer 5-15 minuten)"
	@# The stamp gets the time training started, so a file edited during training trains again.
	@started="$$(date '+%Y-%m-%d %H:%M:%S.%N')"; echo '$(TRAIN_CMD)'; $(TRAIN_CMD) && touch -d "$$started" $@

# --- tests ----------------------------------------------------------------
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

pytest: setup $(STAMP)/chromium scaled-deps
	$(PY) -m pytest

# The widget's browser tests drive Debian's Chromium (Playwright never downloads a browser).
$(STAMP)/chromium:
	@test -x /usr/bin/chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	@mkdir -p $(STAMP) && touch $@

validate: setup
	$(PY) -m bot.plugins.quiet data validate --config config.yml --domain bot/domain --data data --fail-on-warnings

# Conversation tests: tests/test_stories.yml plus the per-feature files in tests/stories/.
stories: setup
	@rm -rf var/test-stories && mkdir -p var/test-stories
	@cp tests/test_stories.yml $(wildcard tests/stories/*.yml) var/test-stories/
	$(PY) -m bot.plugins.quiet test core --stories var/test-stories --model models --out results --fail-on-prediction-errors

# --- measurements ---------------------------------------------------------
# Latency and memory (reports/bench.json), then each Rasa speed-up on its own (reports/patches.json).
bench: setup
	$(PY) -m tools.bench
	$(PY) -m tools.bench_patches

eval: setup
	$(PY) -m tools.eval

bench-glossary: db
	$(PY) -m tools.bench_glossary

# Locust, headless: users that read and type (docs/development.md, "Performance").
load: setup scaled-deps
	$(PY) -m tools.load

# 10,000 messages through the website channel in at most 15 minutes (not in `make test`):
# errors and the memory of each process at the start and the end (reports/soak.json).
soak: setup
	$(PY) -m tools.soak

# "Publiceren" in the workspace: approved change -> live model (reports/publish.json).
bench-publish: setup
	$(PY) -m tools.publish_bench

clean:
	rm -rf var models results
