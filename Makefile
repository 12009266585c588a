# Hashmark — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app marketplace
PIP    := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: run test test-sqlite test-postgres db seed bench clean translations compile-translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	@touch $@

$(VENV)/.test: $(VENV)/.app
	$(PIP) -e ".[test]"
	@touch $@

SANDBOX_PORT ?= 12111
PLATFORMS_PORT ?= 12112
DUE_EVERY ?= 30  # seconds between sweeps of due work (verification retries, live checks, reviews)

## run: install, migrate and seed the embedded SQLite database, start the offline Stripe and
## Instagram/TikTok sandboxes, sweep due work every $(DUE_EVERY) s (log: instance/run-due.log),
## serve on http://127.0.0.1:5000 (Ctrl-C stops everything)
run: $(VENV)/.app compile-translations db seed
	@$(BIN)/python -m tests.fakes.stripe_fake --port $(SANDBOX_PORT) --api-key sk_test_hashmark_sandbox \
	  --webhook-url http://127.0.0.1:5000/webhooks/stripe --webhook-secret whsec_hashmark_sandbox \
	  --currency pln & sandbox=$$!; \
	$(BIN)/python -m tests.fakes.platforms --port $(PLATFORMS_PORT) --seed & platforms=$$!; \
	while sleep $(DUE_EVERY); do STRIPE_API_BASE=http://127.0.0.1:$(SANDBOX_PORT) $(FLASK) marketplace run-due >> instance/run-due.log 2>&1; done & due=$$!; \
	trap 'kill $$sandbox $$platforms $$due 2>/dev/null' EXIT INT TERM; \
	STRIPE_API_BASE=http://127.0.0.1:$(SANDBOX_PORT) $(FLASK) run --host 127.0.0.1 --port 5000

db: $(VENV)/.app
	@mkdir -p instance
	$(FLASK) db upgrade

seed: $(VENV)/.app
	$(FLASK) marketplace seed-demo

## test: the whole suite on SQLite, then on PostgreSQL
test: test-sqlite test-postgres

test-sqlite: $(VENV)/.test compile-translations
	TEST_DB=sqlite $(BIN)/pytest

test-postgres: $(VENV)/.test compile-translations
	TEST_DB=postgres $(BIN)/pytest

I18N := marketplace/translations
BABEL_KEYWORDS := -k _l -k N_ -k lazy_gettext -k lazy_ngettext:1,2

## translations: extract every marked string and merge it into the Polish and Thai catalogues
translations: $(VENV)/.app
	$(BIN)/pybabel extract -F $(I18N)/babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
	  --project Hashmark --copyright-holder "Hashmark contributors" -o $(I18N)/messages.pot .
	$(BIN)/pybabel update -i $(I18N)/messages.pot -d $(I18N) --no-fuzzy-matching --ignore-obsolete

compile-translations: $(VENV)/.app
	@$(BIN)/pybabel compile -d $(I18N) --statistics

bench: $(VENV)/.test
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
