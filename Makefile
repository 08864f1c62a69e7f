# Simpul. `make run` serves the populated demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# The demo's own settings; a real deployment sets these in its environment (see README).
DEMO_ENV := DEBUG=false STATIC_MANIFEST=false WHITENOISE_USE_FINDERS=true SIMPUL_DEMO=true SECRET_KEY=$${SECRET_KEY:-simpul-demo-insecure-key-not-for-production} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} SECURE_COOKIES=false \
	EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}
TEST_ENV := DEBUG=false SECRET_KEY=simpul-test-secret-key-0123456789abcdef SIMPUL_FAST_HASHER=true \
	SECURE_COOKIES=false STATIC_MANIFEST=false WHITENOISE_USE_FINDERS=true ALLOWED_HOSTS=testserver,127.0.0.1,localhost \
	SIMPUL_VAR_DIR=$(CURDIR)/var/test TASKS_IMMEDIATE=true

.PHONY: run test install lint typecheck bench messages demo worker clean

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	@mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_regions
	$(DEMO_ENV) $(PY) manage.py seed_demo
	$(DEMO_ENV) $(PY) manage.py daily
	$(DEMO_ENV) $(PY) manage.py sweep --schedule
	@echo "Simpul demo: http://127.0.0.1:$(PORT)  (users: see README, password simpul-demo)"
	$(DEMO_ENV) $(PY) manage.py db_worker --queue-name '*' > var/worker.log 2>&1 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	@mkdir -p var/test
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: install
	$(TEST_ENV) $(VENV)/bin/mypy simpul

# msgids are English, so only the Indonesian catalogue exists (simpul/locale/id). Needs GNU gettext;
# the compiled .mo is committed, so running the app does not.
messages: install
	cd simpul && $(TEST_ENV) ../$(PY) ../manage.py makemessages -l id --no-obsolete --ignore 'tests/*' --ignore 'testing/*'
	cd simpul && $(TEST_ENV) ../$(PY) ../manage.py compilemessages -l id
	msgfmt --statistics -o /dev/null simpul/locale/id/LC_MESSAGES/django.po

bench: install
	$(TEST_ENV) $(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) var staticfiles
