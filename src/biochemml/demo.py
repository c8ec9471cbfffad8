"""The course's practical, end to end, in one call: :func:`run_lecture`."""
from __future__ import annotations

import shlex
import shutil
import tempfile
from pathlib import Path

from .progress import say

#: The file of the run folder that holds the simulated table the demo trained on.
DATA_FILE = "data.csv"


def run_lecture(out=None, seed: int = 0, model: str = "lecture-cnn", epochs: int = 20) -> Path:
    """Simulate the CCGGAA data, train the course's CNN, evaluate it and write a run folder.

    The steps are the course's: 1,000 sequences with the motif and 1,000 without,
    one-hot encoding, a 20 % test split (``random_state=125``), the lecture CNN
    trained with batch 100 for 20 epochs holding out 10 % for validation, then
    test loss, accuracy and the confusion matrix, with the Bayes-optimal accuracy
    (the best any model can do) for comparison.

    Then it asks what the CNN learnt (:func:`biochemml.interpret.interpret_run`): in-silico
    mutagenesis of the test sequences that carry the motif, and the motifs of its
    filters, in the run's ``interpretation/`` folder.

    The run folder also holds the simulated table (``data.csv``), and its config.yaml
    names it and records the command that makes the same run again (``biochemml demo
    --seed S --out FOLDER``; a Python call when ``model`` or ``epochs`` differ from the
    command's).

    Parameters
    ----------
    out : str or Path, optional
        The run folder; default ``runs/<date>-<time>-lecture``. Must not exist yet.
    seed : int
        Seed of the simulated data (the split keeps the course's ``random_state=125``).
    model : str
        A registered model name (``biochemml models``).
    epochs : int

    Returns
    -------
    Path
        The run folder (``report.html`` inside).
    """
    import json

    import numpy as np
    import pandas as pd

    from .estimators import load
    from .models import build, summary
    from .io.writers import atomic_write
    from .runs import _still_improving, default_run_dir, train_run
    from .simulate import bayes_optimal_accuracy, bayes_rule, lecture_pwm, motif_dataset

    pwm = lecture_pwm()
    start = 7  # 0-based, as motif_start in the data and predictions.csv
    say(f"[bold]1. Simulate[/bold] 1,000 sequences carrying the CCGGAA motif at bases "
        f"{start + 1}-{start + pwm.width} (counted from 1; the column motif_start of "
        f"predictions.csv counts from 0, so {start}) and 1,000 random ones (20 nt)")
    df = motif_dataset(pwm, 1000, 1000, length=20, position=start, seed=seed)
    ceiling = bayes_optimal_accuracy(pwm, n=100_000, seed=seed)
    say(f"   Best possible accuracy on such data (Bayes-optimal): {ceiling:.3f}")
    say(f"[bold]2. Model[/bold] '{model}' on one-hot input (20 positions x 4 bases):")
    say(summary(build(model, 20)))
    say(f"[bold]3. Train[/bold] batch 100, {epochs} epochs, 10 % of the training set for validation; "
        "test set = 20 % (random_state=125)")
    out = Path(out) if out is not None else default_run_dir("lecture")
    if model == "lecture-cnn" and epochs == 20:  # what `biochemml demo` runs
        command = shlex.join(["biochemml", "demo", "--seed", str(seed), "--out", str(out)])
    else:
        command = shlex.join(["python", "-c", "from biochemml.demo import run_lecture; "
                              f"run_lecture(out={str(out)!r}, seed={seed}, model={model!r}, "
                              f"epochs={epochs})"])
    with tempfile.TemporaryDirectory(prefix="biochemml-demo-") as tmp:
        table = Path(tmp) / DATA_FILE
        df.to_csv(table, index=False)
        run = train_run(table, data_name=f"simulated CCGGAA motif data (seed {seed}), saved "
                                         f"as {DATA_FILE}",
                        sequence_column_name="sequence", target_columns="label",
                        task="classification", out=out, model=model, test_size=0.2,
                        stratify=False, seed=125, epochs=epochs, batch_size=100,
                        validation_split=0.1, positive=1,  # the motif class, as the course
                        title=f"biochemml: the course's CNN on the CCGGAA motif (data seed {seed})",
                        command=command,
                        context=[f"The best accuracy any model can reach on such data is "
                                 f"{ceiling:.3f} on average (the Bayes-optimal rule, which knows "
                                 "the motif, its position and the background; estimated on "
                                 "100,000 simulated sequences): compare the test accuracy with "
                                 "it, not with 1.",
                                 f"The data come from seed {seed}; the seed 125 of the summary "
                                 "draws the test set, as the course's random_state=125 does."])
        shutil.copyfile(table, run / DATA_FILE)
    saved = json.loads((run / "metrics.json").read_text())
    if model == "lecture-cnn" and epochs == 20 and _still_improving(saved.get("fit")):
        say("   The course's practical trains 20 epochs, so the demo does too, and the note "
            "above is what its validation curve says: notebook 02 trains the same network "
            "to 50 epochs, where the loss still falls while the accuracy barely moves.")
    metrics = saved["test"]
    cm = np.asarray(metrics["confusion_matrix"])
    est = load(run)
    say("[bold]4. Evaluate[/bold] on the 400 test sequences")
    print(f"Test loss: {metrics['log_loss']:.3f}")
    test = pd.read_csv(run / "predictions.csv")  # the test rows, with their sequences
    bayes = float(np.mean(bayes_rule(pwm, test["sequence"], position=start) == test["label"]))
    saved = json.loads((run / "metrics.json").read_text())  # the context beside the scores
    saved["bayes_optimal_accuracy"] = ceiling
    saved["bayes_rule_accuracy_on_test"] = bayes
    atomic_write(run / "metrics.json",
                 lambda tmp: tmp.write_text(json.dumps(saved, indent=2)))
    print(f"Test accuracy: {metrics['accuracy']:.3f}  (Bayes-optimal ceiling {ceiling:.3f} on "
          f"average; the Bayes rule itself scores {bayes:.3f} on these {len(test)} sequences)")
    print("Confusion matrix (rows = true, columns = predicted; classes "
          f"{', '.join(map(str, est.classes_))}):")
    print(cm)
    print(metrics["explanation"])
    _interpret(run, test, start, pwm.width)
    print(f"Run folder: {run}")
    print(f"Report: {run / 'report.html'}")
    return run


def _interpret(run: Path, test, start: int, width: int) -> None:
    """Step 5: mutagenesis of the test sequences with the motif, and the filter motifs."""
    import numpy as np
    import pandas as pd

    from .interpret.folder import interpret_run

    say("[bold]5. Interpret[/bold] what the CNN learnt (biochemml interpret): every single-base "
        "change of the test sequences that carry the motif, and the motifs of its filters")
    carriers = test[test["label"] == 1].rename(columns={"row": "data_row"})
    carriers.insert(0, "id", [f"row{r}" for r in carriers["data_row"]])
    result = interpret_run(run, carriers, run / "interpretation", sequence_column_name="sequence",
                           id_column="id", limit=len(carriers), plots=3)
    table = pd.read_csv(run / "interpretation" / "mutagenesis.csv")
    best = table.groupby(["id", "position"], sort=False)["importance"].first().unstack()
    top = best.to_numpy().argsort(axis=1)[:, -4:] + 1  # 1-based, as the plots count
    inside = int(np.all((top >= start + 1) & (top <= start + width), axis=1).sum())
    print(f"Mutagenesis: for {inside} of {len(top)} test sequences with the motif, the four "
          f"bases that matter most lie in the motif (bases {start + 1}-{start + width}).")
    if result["filters"]:
        print("Filter motifs, most influential first: "
              + ", ".join(f"{f['filter']} {f['consensus']}" for f in result["filters"][:4]))
    print(f"Interpretation: {run / 'interpretation' / 'report.html'}")
