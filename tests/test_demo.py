"""`biochemml demo`: the run folder holds what is needed to make the same run again."""
import json
import shlex

import pandas as pd
import yaml

from biochemml.cli import main
from biochemml.simulate import lecture_pwm, motif_dataset


def test_demo_saves_its_data_and_the_command_that_reproduces_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--seed", "3", "--out", "demo3"]) == 0
    said = " ".join((lambda c: c.err + c.out)(capsys.readouterr()).split())
    run = tmp_path / "demo3"
    config = yaml.safe_load((run / "config.yaml").read_text())
    assert config["command"] == "biochemml demo --seed 3 --out demo3"
    assert config["data"] == "simulated CCGGAA motif data (seed 3), saved as data.csv"
    # the table it trained on, as simulated with the data seed
    saved = pd.read_csv(run / "data.csv", keep_default_na=False)
    expected = motif_dataset(lecture_pwm(), 1000, 1000, length=20, position=7, seed=3)
    pd.testing.assert_frame_equal(saved, expected, check_dtype=False)
    report = (run / "report.html").read_text()
    assert "DataFrame" not in report and "DataFrame" not in said
    assert "simulated CCGGAA motif data (seed 3), saved as data.csv" in report
    assert "from simulated CCGGAA motif data (seed 3)" in said
    # the course's 20 epochs leave the curve still rising: the note is explained as such
    assert ("still improving at the last epoch" in said) == \
        ("The course's practical trains 20 epochs, so the demo does too" in said)
    # the report holds what makes the score meaningful: the best accuracy such data allow
    saved_metrics = json.loads((run / "metrics.json").read_text())
    ceiling = saved_metrics["bayes_optimal_accuracy"]
    assert 0.9 < ceiling < 1 and 0.9 < saved_metrics["bayes_rule_accuracy_on_test"] <= 1
    flat = " ".join(report.split())
    assert f"The best accuracy any model can reach on such data is {ceiling:.3f}" in flat
    assert "the seed 125 of the summary draws the test set" in flat

    # the recorded command makes the same run again
    first = json.loads((run / "metrics.json").read_text())["test"]
    run.rename(tmp_path / "first")
    argv = shlex.split(config["command"])
    assert argv[0] == "biochemml" and main(argv[1:]) == 0
    again = json.loads((run / "metrics.json").read_text())["test"]
    assert again["confusion_matrix"] == first["confusion_matrix"]
    assert again["log_loss"] == first["log_loss"]
