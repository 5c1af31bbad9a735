# Two commands on a fresh clone: `make brief` and `make test` (see README).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
TSTAMP  := $(VENV)/.installed-test
OUT     ?= outputs/briefing.docx

.PHONY: brief test lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch first, pinned: an unpinned install would pull gigabytes of CUDA wheels (DEVELOPERS.md).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[models,chart]"
	touch $@

# The tests read PDFs and run OCR too (pdf, ocr extras: ~100 MB of wheels, onnxruntime and OpenCV).
$(TSTAMP): $(STAMP)
	$(BIN)/pip install -q -e ".[models,chart,openai,test,pdf,ocr]"
	touch $@

brief: $(STAMP)
	$(BIN)/summarizer brief seeds/ -o $(OUT)

test: $(TSTAMP)
	$(BIN)/ruff check summarizer tests benchmarks scripts
	$(BIN)/python -m pytest -q

lint: $(TSTAMP)
	$(BIN)/ruff check summarizer tests benchmarks scripts

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
