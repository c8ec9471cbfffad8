"""The course's CCGGAA motif task (issue 4): biochemml against the course's own Keras code.

For each of 5 seeds (the seed draws the data set and seeds the model) the course's data
set is simulated (1,000 sequences with the motif at position 8, 1,000 random, length 20),
split 80/20 with scikit-learn's ``train_test_split(random_state=125)`` exactly as the
course does, and four classifiers are trained on the same split. The training rows keep the
split's shuffled order, as the course's code passes them on; notebook 02 and ``biochemml demo``
take the same rows in sorted order (``biochemml.splits.split_indices``), which changes the
validation draw and the batches, so their per-seed accuracies differ from this script's by a
few test sequences (RESULTS.md, "Re-run 2026-12-01"). The four classifiers:

- ``lecture-cnn``: ``SequenceClassifier("lecture-cnn", seed=s)``, the course's network
  trained as the course does (Adam, batch 100, 20 epochs, 10% validation);
- ``keras``: the course's own Keras code (Conv1D(10, 5, 'valid') -> MaxPooling1D(4) ->
  Flatten -> Dense(2, sigmoid), categorical cross-entropy, adam, batch 100, 20 epochs,
  ``validation_split=0.1``), run with TensorFlow-CPU in a separate virtual environment
  (``bench-env/``, made by ``--setup``) so that TensorFlow never enters biochemml's
  environment;
- ``logistic``: scikit-learn's logistic regression on the flattened one-hot matrix
  (80 features); with the motif at a fixed place the Bayes-optimal rule is linear in
  the one-hot encoding, so this is the model the task calls for;
- ``default``: ``SequenceClassifier(seed=s)``, biochemml's default classifier.

They are judged against the Bayes-optimal ceiling of the simulator
(:func:`biochemml.simulate.bayes_optimal_accuracy`, Monte Carlo with the same seed) and
against the Bayes-optimal rule applied to the very test sequences of each split (which
shows how much of the spread between seeds is the 400-sequence test set itself).

Every (method, seed) runs in its own fresh Python process, which receives the data as a
temporary ``.npz`` file and prints one JSON line back. Measured there:

- ``fit s``: training time alone: ``fit_info_[0]["fit_seconds"]`` (the Lightning
  ``trainer.fit`` call) for biochemml, the wall time of ``model.fit`` for Keras, of
  ``LogisticRegression.fit`` for scikit-learn;
- ``whole fit() s``: the whole call a user makes on sequences held in memory:
  ``SequenceClassifier(...).fit(sequences, labels)`` (encoding, validation split,
  model building, training) and, for Keras, building + compiling + ``model.fit``;
- ``peak RSS MiB``: the process' peak resident memory at the end (``VmHWM`` of
  ``/proc/self/status``; ``resource.getrusage``'s ``ru_maxrss`` would do, but Linux
  carries it over ``exec`` from the driver that forked the worker): the framework's
  own footprint plus training, what a user's machine has to hold;
- ``fit +MiB``: that peak minus the resident memory just before training starts
  (``/proc/self/statm``): what training itself adds.

Process start and imports are not counted in either time (``import s`` shows them).

Run (from the repository root, with biochemml's environment active)::

    python benchmarks/lecture.py --setup        # once: bench-env/ with tensorflow-cpu
    python benchmarks/lecture.py                # table for the 5 seeds (~5 min on 2 cores;
                                                # ~2 min without bench-env/, Keras skipped)
    python benchmarks/lecture.py --task both    # + the motif anywhere in 100 bases

Without ``bench-env/`` (or when TensorFlow fails to import) the Keras row says so and
the rest runs.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BENCH_ENV = ROOT / "bench-env"
BENCH_PYTHON = BENCH_ENV / "bin" / "python"
SEEDS = (0, 1, 2, 3, 4)
TEST_SIZE, SPLIT_STATE = 0.2, 125  # the course's train_test_split
METHODS = ("lecture-cnn", "keras", "logistic", "default", "global")
#: ``global``: the default ``cnn`` with a position-free head (max and mean over positions).
SANITY_METHODS = ("lecture-cnn", "logistic", "default", "global")
LABELS = {
    "lecture-cnn": "biochemml `lecture-cnn` (course settings)",
    "keras": "course's Keras code (TensorFlow-CPU)",
    "logistic": "logistic regression, flattened one-hot",
    "default": "biochemml default `SequenceClassifier()`",
    "global": "default with `model_params={\"head\": \"global\"}`",
}


# ----- measurements inside a worker process ----------------------------------------------
def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def _peak_mib() -> float:
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over exec from the
    # parent that forked the worker, so a worker would report the driver's memory.
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _worker_biochemml(data, seed: int, model: str | None, model_params=None) -> dict:
    from biochemml import SequenceClassifier

    seqs, y = data["sequences"], data["labels"]
    tr, te = data["train"], data["test"]
    clf = SequenceClassifier(model, seed=seed, model_params=model_params)
    before = _rss_mib()
    start = time.perf_counter()
    clf.fit(seqs[tr], y[tr])
    whole = time.perf_counter() - start
    info = clf.fit_info_[0]
    return dict(accuracy=clf.score(seqs[te], y[te]), fit_seconds=info["fit_seconds"],
                whole_seconds=whole, rss_before=before, epochs=info["epochs_run"],
                params=sum(p.numel() for p in clf.models_[0].parameters()))


def _worker_logistic(data, seed: int) -> dict:
    from sklearn.linear_model import LogisticRegression

    x = data["onehot"].reshape(len(data["onehot"]), -1)
    y, tr, te = data["labels"], data["train"], data["test"]
    model = LogisticRegression(max_iter=1000, random_state=seed)
    before = _rss_mib()
    start = time.perf_counter()
    model.fit(x[tr], y[tr])
    seconds = time.perf_counter() - start
    return dict(accuracy=float(model.score(x[te], y[te])), fit_seconds=seconds,
                whole_seconds=seconds, rss_before=before, epochs=int(model.n_iter_[0]),
                params=x.shape[1] + 1)


def _worker_keras(data, seed: int) -> dict:
    """The course's code, with 'valid' padding (what its printed summary shows)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    from keras.layers import Conv1D, Dense, Flatten, MaxPooling1D
    from keras.models import Sequential

    x, labels = data["onehot"], data["labels"]
    # The course's label columns: motif -> [1, 0], random -> [0, 1].
    y = np.stack([labels == 1, labels == 0], axis=1).astype("float32")
    tr, te = data["train"], data["test"]
    keras.utils.set_random_seed(seed)
    before = _rss_mib()
    start = time.perf_counter()
    model = Sequential([
        keras.Input(shape=x.shape[1:]),
        Conv1D(filters=10, kernel_size=5, activation="relu", padding="valid"),
        MaxPooling1D(pool_size=4),
        Flatten(),
        Dense(units=2, activation="sigmoid"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    fit_start = time.perf_counter()
    model.fit(x[tr], y[tr], batch_size=100, epochs=20, validation_split=0.1, verbose=0)
    end = time.perf_counter()
    pred = model.predict(x[te], verbose=0).argmax(axis=1)
    return dict(accuracy=float(np.mean(pred == y[te].argmax(axis=1))),
                fit_seconds=end - fit_start, whole_seconds=end - start, rss_before=before,
                epochs=20, params=int(model.count_params()), keras=keras.__version__)


def _worker(method: str, data_path: str, seed: int) -> None:
    t0 = time.perf_counter()
    with np.load(data_path, allow_pickle=False) as npz:
        data = {k: npz[k] for k in npz.files}
    if method == "keras":
        import keras  # noqa: F401  (counted as import time)
    elif method == "logistic":
        import sklearn.linear_model  # noqa: F401
    else:
        import pytorch_lightning  # noqa: F401
        import biochemml.estimators  # noqa: F401
    imported = time.perf_counter() - t0
    if method == "keras":
        out = _worker_keras(data, seed)
    elif method == "logistic":
        out = _worker_logistic(data, seed)
    elif method == "global":
        out = _worker_biochemml(data, seed, None, {"head": "global"})
    else:
        out = _worker_biochemml(data, seed, "lecture-cnn" if method == "lecture-cnn" else None)
    out.update(peak_mib=_peak_mib(), import_seconds=imported)
    out["fit_mib"] = out["peak_mib"] - out.pop("rss_before")
    print("RESULT " + json.dumps(out, default=float), flush=True)


# ----- the driver --------------------------------------------------------------------------
def _dataset(seed: int, length: int, position: int | None, path: Path) -> dict:
    """Simulate, split as the course does, write the worker's .npz; return Bayes numbers."""
    from sklearn.model_selection import train_test_split

    from biochemml.encode.codes import to_codes
    from biochemml.motifs.pwm import background_vector
    from biochemml.simulate import (_log_likelihood_ratio, bayes_optimal_accuracy,
                                    lecture_pwm, motif_dataset)

    pwm = lecture_pwm()
    df = motif_dataset(pwm, 1000, 1000, length=length, position=position, seed=seed)
    labels = df["label"].to_numpy()
    train, test = train_test_split(np.arange(len(df)), test_size=TEST_SIZE,
                                   random_state=SPLIT_STATE)
    codes, _ = to_codes(df["sequence"].tolist(), "dna", pad="none")
    onehot = np.eye(4, dtype=np.float32)[codes]  # (N, L, 4), as the course's X
    np.savez(path, sequences=df["sequence"].to_numpy().astype(str), labels=labels,
             onehot=onehot, train=train, test=test)
    # The Bayes rule on this very test set: is the log-likelihood ratio of motif model
    # vs background positive? (the simulator's own rule, applied to these sequences)
    llr = _log_likelihood_ratio(codes[test], [pwm], background_vector(None, pwm.alphabet),
                                position)
    return dict(ceiling=bayes_optimal_accuracy(pwm, length=length, position=position, seed=seed),
                bayes_on_test=float(np.mean((llr > 0) == (labels[test] == 1))))


def _run_worker(method: str, data_path: Path, seed: int) -> dict:
    python = str(BENCH_PYTHON) if method == "keras" else sys.executable
    env = dict(os.environ, PYTHONWARNINGS="ignore", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([python, str(Path(__file__).resolve()), "--worker", method,
                           "--data", str(data_path), "--seed", str(seed)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    raise RuntimeError(f"{method} (seed {seed}) failed: {' | '.join(tail)}")


def _keras_available() -> str | None:
    """None when the Keras worker can run, else the reason it cannot."""
    if not BENCH_PYTHON.exists():
        return f"no {BENCH_ENV.name}/ (run `python benchmarks/lecture.py --setup`)"
    proc = subprocess.run([str(BENCH_PYTHON), "-c", "import keras, tensorflow"],
                          capture_output=True, text=True,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    if proc.returncode:
        return "tensorflow does not import in bench-env/: " + proc.stderr.strip()[-200:]
    return None


def setup() -> None:
    """Make bench-env/ with tensorflow-cpu and keras (gitignored, benchmark only)."""
    if not BENCH_PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_ENV)], check=True)
    subprocess.run([str(BENCH_PYTHON), "-m", "pip", "install", "-q", "tensorflow-cpu", "keras",
                    "scikit-learn"], check=True)


def _summary(values, digits: int) -> str:
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return "-"
    if v.size == 1:
        return f"{v[0]:.{digits}f}"
    return f"{v.mean():.{digits}f} ({v.min():.{digits}f}-{v.max():.{digits}f})"


def benchmark(seeds, methods, length: int = 20, position: int | None = 7,
              log=print) -> tuple[str, dict]:
    """Run every method on every seed; return a Markdown table and the raw results."""
    skip = {}
    if "keras" in methods:
        reason = _keras_available()
        if reason:
            skip["keras"] = reason
            log(f"skipping Keras: {reason}")
    results = {m: [] for m in methods}
    bayes = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            path = Path(tmp) / f"seed{seed}.npz"
            bayes.append(_dataset(seed, length, position, path))
            for method in methods:
                if method in skip:
                    continue
                r = _run_worker(method, path, seed)
                results[method].append(r)
                log(f"seed {seed} {method:11s} acc {r['accuracy']:.4f} fit {r['fit_seconds']:.2f}s "
                    f"whole {r['whole_seconds']:.2f}s peak {r['peak_mib']:.0f} MiB "
                    f"(+{r['fit_mib']:.0f}) epochs {r['epochs']}")
            log(f"seed {seed} Bayes ceiling {bayes[-1]['ceiling']:.4f}, "
                f"Bayes rule on this test set {bayes[-1]['bayes_on_test']:.4f}")
    rows = ["| method | params | test accuracy | fit s | whole fit() s | import s | peak RSS MiB "
            "| fit +MiB |", "| --- | ---: | --- | --- | --- | --- | --- | --- |"]
    for m in methods:
        rs = results[m]
        if not rs:
            rows.append(f"| {LABELS[m]} | | skipped: {skip.get(m, '')} | | | | | |")
            continue
        col = lambda key, d: _summary([r[key] for r in rs], d)  # noqa: E731
        rows.append(f"| {LABELS[m]} | {rs[0]['params']} | {col('accuracy', 3)} "
                    f"| {col('fit_seconds', 2)} | {col('whole_seconds', 2)} "
                    f"| {col('import_seconds', 1)} | {col('peak_mib', 0)} | {col('fit_mib', 0)} |")
    rows.append(f"| Bayes-optimal ceiling (simulator, 200k draws) | | "
                f"{_summary([b['ceiling'] for b in bayes], 3)} | | | | | |")
    rows.append(f"| Bayes-optimal rule on each test split (400 seqs) | | "
                f"{_summary([b['bayes_on_test'] for b in bayes], 3)} | | | | | |")
    return "\n".join(rows), {"results": results, "bayes": bayes}


def _versions() -> str:
    import pytorch_lightning
    import sklearn
    import torch

    import biochemml

    out = [f"Python {platform.python_version()}", f"biochemml {biochemml.__version__}",
           f"torch {torch.__version__}", f"pytorch-lightning {pytorch_lightning.__version__}",
           f"scikit-learn {sklearn.__version__}", f"numpy {np.__version__}"]
    if BENCH_PYTHON.exists():
        proc = subprocess.run([str(BENCH_PYTHON), "-c",
                               "import tensorflow as t, keras as k; print(t.__version__, k.__version__)"],
                              capture_output=True, text=True,
                              env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
        if proc.returncode == 0 and proc.stdout.split():
            tf_v, k_v = proc.stdout.split()[-2:]
            out += [f"tensorflow-cpu {tf_v}", f"keras {k_v}"]
    return ", ".join(out)


def _machine() -> str:
    model = "unknown CPU"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, no GPU"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="create bench-env/ and exit")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--methods", nargs="+", choices=METHODS,
                        help="default: all but 'global' for the course's task, "
                             "all but 'keras' for the motif-anywhere check")
    parser.add_argument("--task", choices=("lecture", "anywhere", "both"), default="lecture",
                        help="the course's task, the motif anywhere in 100 bases, or both")
    parser.add_argument("--worker", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.data, args.seed)
        return
    if args.setup:
        setup()
        return
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {_machine()}")
    print(_versions())
    print("load before:", os.getloadavg())
    if args.task in ("lecture", "both"):
        methods = args.methods or [m for m in METHODS if m != "global"]
        table, _ = benchmark(args.seeds, methods)
        print(f"load after: {os.getloadavg()}\n\nThe course's task (motif at position 8 of 20):\n")
        print(table)
    if args.task in ("anywhere", "both"):
        methods = args.methods or list(SANITY_METHODS)
        table, _ = benchmark(args.seeds, methods, length=100, position=None)
        print(f"load after: {os.getloadavg()}\n\nSanity check (motif anywhere in 100 bases):\n")
        print(table)


if __name__ == "__main__":
    main()
