# Two commands set everything up on a fresh machine that has python3 (3.11+) and make:
#   make publish   validate every dataset and build data/published/
#   make test      run the whole test suite (first makes sure Chromium is there: installs
#                  Debian's chromium as root with apt-get, else stops and says what to type)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UDATA_VENV := .venv-udata

.PHONY: publish build validate test chromium lint format udata bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	$(BIN)/python -m compileall -q pipeline  # read even under PYTHONDONTWRITEBYTECODE: 0.1 s a run
	touch $@

$(VENV)/.installed-test: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q pipeline
	touch $(VENV)/.installed $@

# The real udata server used by the integration tests, in its own venv so its pins
# do not fight ours (see tests/udata/README.md).
$(UDATA_VENV)/.installed: tests/udata/requirements.txt
	test -x $(UDATA_VENV)/bin/python || $(PYTHON) -m venv $(UDATA_VENV)
	$(UDATA_VENV)/bin/python -m pip install -q --upgrade pip
	$(UDATA_VENV)/bin/python -m pip install -q -r tests/udata/requirements.txt
	touch $@

publish: $(VENV)/.installed
	$(BIN)/pipeline publish

build: $(VENV)/.installed
	$(BIN)/pipeline build

validate: $(VENV)/.installed
	$(BIN)/pipeline validate

# First, so that a missing browser stops make test before minutes of installs and any test.
chromium:
	@scripts/ensure-chromium

test: chromium $(VENV)/.installed-test $(UDATA_VENV)/.installed
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check pipeline tests scripts
	$(BIN)/ruff format --check pipeline tests scripts

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix pipeline tests scripts
	$(BIN)/ruff format pipeline tests scripts

udata: $(VENV)/.installed-test $(UDATA_VENV)/.installed
	$(UDATA_VENV)/bin/python tests/udata/server.py --port 7000

bench: $(VENV)/.installed-test
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf $(VENV) $(UDATA_VENV) .pytest_cache .ruff_cache
