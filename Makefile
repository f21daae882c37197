# The book's two commands (see README.md):
#   make book   set up .venv from the pinned requirements, then build the website
#   make pdf    build the website, then print it as one PDF, _build/pdf/book.pdf
#   make test   set up .venv, then run every test (optlib, doctests, every notebook)
#   make check  the quick tests only (no chapter run in a kernel, no browser)
# Set-up is guarded by a stamp file: a re-run only reinstalls when the pins change.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup book pdf test check lab vendor bench clean publish student grade

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml jupyterlab/overrides.json jupyterlab/jupyter_server_config.json jupyterlab/jupyter_server_config.py
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	# the kernel the notebooks name ("optbook"), inside the venv: it imports this optlib
	$(BIN)/python -m ipykernel install --sys-prefix --name optbook --display-name "Python (optbook)"
	# JupyterLab settings for the book: widget state is saved with a notebook, so a saved
	# chapter reopens with its explorers drawn (see jupyterlab/overrides.json)
	mkdir -p $(VENV)/share/jupyter/lab/settings $(VENV)/etc/jupyter/jupyter_server_config.d
	cp jupyterlab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	# jupyterlab-myst's notary never signs a notebook whose prose holds numbers (its trust
	# flag for Markdown cells is lost in JupyterLab 4.6), so a saved chapter would reopen
	# untrusted, its explorers as dead HTML: the book keeps Jupyter's own notary
	cp jupyterlab/jupyter_server_config.json $(VENV)/etc/jupyter/jupyter_server_config.d/optbook.json
	# kernel websockets without Nagle's delay (about 40 ms per slider move otherwise)
	cp jupyterlab/jupyter_server_config.py $(VENV)/etc/jupyter/jupyter_server_config.py
	touch $(STAMP)

book: setup
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going
	test -f _build/html/index.html
	@echo "The book is at _build/html/index.html"

# The whole book as one PDF (contents, bookmarks, explorers as static figures), printed by
# headless Chromium from the built site: _build/pdf/book.pdf
pdf: book
	$(BIN)/python scripts/pdf.py

test: setup
	$(BIN)/python -m pytest

# The quick tests while you work (a few minutes): optlib, its doctests, the static checks
# of the chapters, the claims and the fuzz suite; no kernel runs a chapter and no browser
# opens (those tests are marked slow, see conftest.py). `make test` runs everything.
check: setup
	$(BIN)/python -m pytest -m "not slow"

# Copy the built site to any folder or mounted server path, for a course that hosts it
# itself (the site is static and works from a sub-path, e.g. https://host/optbook/):
#   make publish DEST=/srv/www/optbook
publish: book
	@test -n "$(DEST)" || { echo "usage: make publish DEST=/path/to/folder"; exit 1; }
	mkdir -p "$(DEST)"
	cp -R _build/html/. "$(DEST)/"
	@echo "The book is in $(DEST) (open index.html, or serve the folder)"

# The course kit (coursekit/, README "For teachers"): the student edition of every chapter
# with exercises in _build/student/, its autograders and reference solutions in
# _build/autograder/; then `make grade SUBMISSIONS=folder` writes folder/grades.csv.
student: setup
	$(BIN)/python -m coursekit.edition

grade: setup
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder-of-notebooks"; exit 1; }
	test -f _build/autograder/questions.json || $(MAKE) student
	$(BIN)/python -m coursekit.grade "$(SUBMISSIONS)"

lab: setup
	$(BIN)/jupyter lab book/

vendor:
	bash scripts/vendor.sh

# Benchmarks need torch, kept out of the book's environment: a second venv.
TORCH_BIN := .venv-torch/bin
$(TORCH_BIN)/.installed: benchmarks/requirements-torch.txt requirements.txt pyproject.toml
	test -x $(TORCH_BIN)/python || $(PYTHON) -m venv .venv-torch
	$(TORCH_BIN)/python -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements-torch.txt
	$(TORCH_BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

bench: $(TORCH_BIN)/.installed
	$(TORCH_BIN)/python benchmarks/run_all.py

clean:
	rm -rf _build .pytest_cache .hypothesis
