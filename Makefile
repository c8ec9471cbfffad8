# Two commands: `make demo` and `make test`. Both create .venv on first use and reinstall
# only when pyproject.toml changes (the stamp file below is older than it).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SHARED_DATA ?= $(abspath ../shared/data)
# A pip index for torch: empty uses pip's own configuration (here a local CPU build); on a
# Linux machine without a GPU, `make demo TORCH_INDEX=https://download.pytorch.org/whl/cpu`
# avoids PyPI's multi-GB CUDA wheel.
TORCH_INDEX ?=

.PHONY: demo test install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: a CPU build from the local index, not the multi-GB CUDA wheel
	$(PY) -m pip install -q torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/biochemml demo

# One OpenMP thread per library: torch and scikit-learn's boosting each bring an OpenMP
# runtime, and on a busy 2-core machine their spinning threads slowed one test 50x.
test: $(STAMP)
	BIOCHEMML_DATA=$${BIOCHEMML_DATA:-$(SHARED_DATA)} MPLBACKEND=Agg OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} \
		$(PY) -m pytest -q

clean:
	rm -rf $(VENV) runs
