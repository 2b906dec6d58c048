# Two jobs a newcomer runs: `make demo` (install, check the bundled draft RFP, write the report)
# and `make test` (install with test extras, run the test suite). Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
DEMO_INPUT ?= examples/draft-rfp-ai-assistant.docx
DEMO_REPORT ?= out/demo-report.html

.PHONY: demo test install install-test constraints bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(BIN)/python
	$(PIP) install --quiet .

# The test environment uses the exact versions in constraints.txt, so a new release of a
# dependency cannot change CI's outcome; a user's install keeps pyproject's lower bounds.
install-test: $(BIN)/python
	$(PIP) install --quiet -c constraints.txt '.[test]'

constraints: install-test
	$(BIN)/python tools/freeze_constraints.py > constraints.txt

demo: install
	@mkdir -p $(dir $(DEMO_REPORT))
	$(BIN)/tenderlint check $(DEMO_INPUT) --format html -o $(DEMO_REPORT) --exit-zero
	$(BIN)/tenderlint check $(DEMO_INPUT) --format text --exit-zero
	@echo "HTML report written to $(DEMO_REPORT)"

test: install-test
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/extraction.py

docs: install
	$(BIN)/tenderlint rules --reference > docs/rules.md

clean:
	rm -rf $(VENV) build dist out .pytest_cache
