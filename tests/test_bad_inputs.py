"""`biochemml train` and `predict` on the messy tables biologists bring: each case either
works as meant or stops with one sentence naming the file, row and column, and leaves no
half-written output behind."""
import json

import numpy as np
import pandas as pd
import pytest

from biochemml.cli import main


def _sequences(n, length=24, seed=0):
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]


@pytest.fixture
def values():
    """60 random 24-nt sequences with a value that depends on their GC content."""
    seqs = _sequences(60)
    gc = np.array([(s.count("G") + s.count("C")) / len(s) for s in seqs])
    return pd.DataFrame({"utr": seqs, "mrl": np.round(2 + 3 * gc, 3)})


def _train_regression(path, out, *more):
    return main(["--quiet", "train", "--data", str(path), "--sequence-column", "utr",
                 "--target-column", "mrl", "--task", "regression", "--model", "ridge",
                 "--no-baselines", "--out", str(out), *more])


def _train_columns(path, out, sequence_column, target_column):
    """`biochemml train` (default model) naming the columns a user typed."""
    return main(["train", "--data", str(path), "--sequence-column", sequence_column,
                 "--target-column", target_column, "--task", "regression", "--out", str(out)])


def _error(capsys) -> str:
    """The error sentence the command printed (one line, no traceback)."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return " ".join(err.split())


def test_identical_values_are_refused_before_training(tmp_path, values, capsys):
    path = tmp_path / "same.csv"
    values.assign(mrl=5.0).to_csv(path, index=False)
    assert _train_regression(path, tmp_path / "run") == 1
    said = _error(capsys)
    assert f"file {path}, column 'mrl'" in said and "every row has the value 5" in said
    assert not (tmp_path / "run").exists()


def test_a_test_set_of_identical_values_prints_n_a_not_a_traceback(tmp_path, values, capsys):
    path = tmp_path / "data.csv"
    values.to_csv(path, index=False)
    assert _train_regression(path, tmp_path / "first") == 0
    test_rows = pd.read_csv(tmp_path / "first" / "predictions.csv")["row"] - 2
    values.loc[test_rows, "mrl"] = 4.0  # the same split, now without spread in the test set
    values.to_csv(path, index=False)
    capsys.readouterr()
    assert _train_regression(path, tmp_path / "second") == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "n/a" in out.out
    assert (tmp_path / "second" / "report.html").exists()


def test_a_semicolon_csv_with_decimal_commas_reads_as_european_excel_writes_it(
        tmp_path, values, capsys):
    path = tmp_path / "excel_de.csv"
    values.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    assert _train_regression(path, tmp_path / "run") == 0, _error(capsys)
    kept = pd.read_csv(tmp_path / "run" / "predictions.csv")
    np.testing.assert_allclose(kept["mrl"], values["mrl"].iloc[kept["row"] - 2])


def test_a_decimal_comma_in_a_comma_csv_says_how_to_write_the_number(tmp_path, values, capsys):
    path = tmp_path / "data.csv"
    values.astype({"mrl": object}).assign(mrl=lambda d: d.mrl.map(str).str.replace(".", ",")
                                          ).to_csv(path, index=False)
    assert _train_regression(path, tmp_path / "run") == 1
    said = _error(capsys)
    assert f"file {path}, row 2, column 'mrl'" in said
    assert f"write {values.mrl[0]}" in said


def test_windows_text_and_blanks_around_column_names(tmp_path, values, capsys):
    path = tmp_path / "windows.csv"
    values.rename(columns={"utr": "utr ", "mrl": " mrl"}).assign(unit="µM").to_csv(
        path, index=False, encoding="cp1252")
    assert _train_regression(path, tmp_path / "run") == 0, _error(capsys)


def test_empty_rows_at_the_end_are_dropped_and_inside_are_named(tmp_path, values, capsys):
    text = values.to_csv(index=False)
    path = tmp_path / "trailing.csv"
    path.write_text(text + ",\n,\n\n\n")  # Excel's empty rows, then blank lines
    assert _train_regression(path, tmp_path / "run") == 0, _error(capsys)
    lines = text.splitlines()
    lines[7] = lines[7].split(",")[0] + ",n.d."  # file row 8
    lines.insert(4, "")  # an empty row 5: would renumber every row below it
    path = tmp_path / "inside.csv"
    path.write_text("\n".join(lines) + "\n")
    assert _train_regression(path, tmp_path / "run2") == 1
    assert f"file {path}, row 5: the row is empty" in _error(capsys)
    lines.pop(4)
    path.write_text("\n\n" + "\n".join(lines) + "\n")  # blank lines above the header
    assert _train_regression(path, tmp_path / "run2") == 1
    assert f"file {path}, row 10, column 'mrl': the value is 'n.d.'" in _error(capsys)
    assert not (tmp_path / "run2").exists()


def test_a_missing_column_suggests_the_one_meant(tmp_path, values, capsys):
    path = tmp_path / "data.csv"
    values.to_csv(path, index=False)
    assert _train_columns(path, tmp_path / "run", "UTR", "mrl") == 1
    assert "its columns are: utr, mrl (did you mean 'utr'?)" in _error(capsys)


def test_excel_unicode_text_is_read(tmp_path, values, capsys):
    path = tmp_path / "unicode.txt"  # Excel: Save as "Unicode Text" (UTF-16, tabs)
    values.to_csv(path, sep="\t", index=False, encoding="utf-16")
    assert _train_regression(path, tmp_path / "run") == 0, _error(capsys)


@pytest.fixture
def classes():
    """60 random 20-nt sequences labelled 'bound' or 'free'."""
    return pd.DataFrame({"sequence": _sequences(60, length=20, seed=1),
                         "label": ["bound", "free"] * 30})


def _train_classifier(path, out):
    return main(["--quiet", "train", "--data", str(path), "--task", "classification",
                 "--model", "lecture-cnn", "--epochs", "1", "--out", str(out)])


def test_blanks_after_a_label_do_not_make_a_new_class(tmp_path, classes, capsys):
    path = tmp_path / "labels.csv"
    classes.assign(label=classes.label.where(classes.index % 3 > 0, classes.label + " ")
                   ).to_csv(path, index=False)
    assert _train_classifier(path, tmp_path / "run") == 0, _error(capsys)
    metrics = (tmp_path / "run" / "metrics.json").read_text()
    assert '"free "' not in metrics and '"bound "' not in metrics


def test_a_class_of_one_row_is_named_with_its_row(tmp_path, classes, capsys):
    path = tmp_path / "labels.csv"
    classes.assign(label=classes.label.where(classes.index != 6, "rare")).to_csv(path,
                                                                                   index=False)
    assert _train_classifier(path, tmp_path / "run") == 1
    said = _error(capsys)
    assert f"file {path}, column 'label': the class 'rare' has only one row (row 8)" in said
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("rows, said", [
    (1, "the table has 1 row: training and testing a model needs at least 4"),
    (3, "the table has 3 rows"),
    (5, "the split of the 5 rows leaves 4 for training and 1 for testing"),
])
def test_too_few_rows_are_refused_naming_the_file(tmp_path, values, capsys, rows, said):
    path = tmp_path / "few.csv"
    values.iloc[:rows].to_csv(path, index=False)
    assert _train_regression(path, tmp_path / "run") == 1
    assert f"file {path}: {said}" in _error(capsys)
    assert not (tmp_path / "run").exists()


@pytest.fixture
def run(tmp_path, values):
    """A ridge run on ``values`` and a table of new sequences under another column name."""
    path = tmp_path / "data.csv"
    values.to_csv(path, index=False)
    assert _train_regression(path, tmp_path / "run") == 0
    new = tmp_path / "new.csv"
    pd.DataFrame({"seq": _sequences(5, seed=3)}).to_csv(new, index=False)
    return tmp_path / "run", new


def test_predict_without_the_training_column_names_the_option(run, tmp_path, capsys):
    folder, new = run
    out = tmp_path / "pred.csv"
    assert main(["predict", "--model", str(folder), "--data", str(new), "--out", str(out)]) == 1
    said = _error(capsys)
    assert f"file {new}: has no column 'utr', the sequence column the model was trained on" \
        in said and "its columns are: seq" in said and "--sequence-column" in said
    assert main(["predict", "--model", str(folder), "--data", str(new), "--out",
                 str(tmp_path / "new folder" / "pred.csv"), "--sequence-column", "seq"]) == 0
    assert len(pd.read_csv(tmp_path / "new folder" / "pred.csv")) == 5


@pytest.mark.parametrize("name, said", [
    ("folder", "cannot be written over: give the output table a file name, such as"),
    ("predictions", "has no file ending: name the output table predictions.csv"),
    ("predictions.json", "cannot write '.json': use .csv, .tsv, .xlsx or .parquet")])
def test_predict_refuses_an_output_name_before_the_work(run, tmp_path, capsys, monkeypatch,
                                                         name, said):
    from biochemml import runs

    folder, new = run
    (tmp_path / "folder").mkdir()
    monkeypatch.setattr(runs, "predict_run", lambda *a, **k: pytest.fail("predicted first"))
    assert main(["predict", "--model", str(folder), "--data", str(new), "--out",
                 str(tmp_path / name), "--sequence-column", "seq"]) == 1
    kind = "folder" if name == "folder" else "file"  # the error names what is there
    assert f"{kind} {tmp_path / name}: {said}" in _error(capsys)


def test_protein_or_number_columns_read_as_dna_say_what_they_look_like(tmp_path, values,
                                                                       capsys):
    path = tmp_path / "proteins.csv"
    values.assign(utr="MKTAYIAKQRQISFVKSHFSRQ").to_csv(path, index=False)
    assert _train_regression(path, tmp_path / "run") == 1
    assert "This looks like a protein: train with --alphabet protein" in _error(capsys)
    path = tmp_path / "data.csv"
    values.to_csv(path, index=False)
    assert _train_columns(path, tmp_path / "run", "mrl", "mrl") == 1
    assert "This looks like a number: is it the column of sequences?" in _error(capsys)


def test_a_workbook_whose_data_are_not_on_the_first_sheet(tmp_path, values, capsys):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"note": ["measured 2024"]}).to_excel(book, sheet_name="info", index=False)
        values.to_excel(book, sheet_name="data", index=False)
    assert _train_regression(path, tmp_path / "run") == 1
    assert "reads the first sheet of a workbook; this one has the sheets 'info', 'data'" \
        in _error(capsys)


def test_measured_values_trained_as_classes_suggest_regression(tmp_path, values, capsys):
    path = tmp_path / "data.csv"
    values.assign(label=np.arange(len(values)) / 7).to_csv(path, index=False)
    assert main(["train", "--data", str(path), "--sequence-column", "utr", "--task",
                 "classification", "--out", str(tmp_path / "run")]) == 1
    assert "are these measured values? Then use --task regression" in _error(capsys)


def test_a_target_column_named_twice_is_refused(tmp_path, values, capsys):
    path = tmp_path / "data.csv"
    values.to_csv(path, index=False)
    assert _train_regression(path, tmp_path / "run", "--target-column", "mrl") == 1
    assert "the target column 'mrl' is named more than once" in _error(capsys)


def test_repeated_sequences_are_counted_with_the_split_that_keeps_them_together(
        tmp_path, values, capsys):
    path = tmp_path / "replicates.csv"
    pd.concat([values, values.iloc[:3].assign(mrl=values.mrl.iloc[:3] + 0.1)]).to_csv(
        path, index=False)
    assert main(["train", "--data", str(path), "--sequence-column", "utr", "--target-column",
                 "mrl", "--task", "regression", "--model", "ridge", "--no-baselines",
                 "--out", str(tmp_path / "run")]) == 0
    said = _error(capsys)
    assert "3 sequences occur more than once (rows 2, 3, 4, 62, 63, ...)" in said
    assert "keeps each sequence's copies on one side" in said
    # and it does: no sequence is on both sides, in the split or in the report's distances
    table = pd.read_csv(path)
    test_rows = pd.read_csv(tmp_path / "run" / "predictions.csv").row - 2
    test = set(table.utr.iloc[test_rows])
    assert not test & set(table.utr.drop(index=table.index[test_rows]))
    assert "keeps each sequence&#x27;s copies on one side" in \
        (tmp_path / "run" / "report.html").read_text()


def test_a_random_split_of_unique_sequences_is_the_plain_seeded_split(tmp_path, values):
    from biochemml.splits import split_indices

    path = tmp_path / "unique.csv"
    values.to_csv(path, index=False)
    assert main(["--quiet", "train", "--data", str(path), "--sequence-column", "utr",
                 "--target-column", "mrl", "--task", "regression", "--model", "ridge",
                 "--no-baselines", "--out", str(tmp_path / "run")]) == 0
    _, _, test = split_indices(len(values), test_size=0.2, seed=0)
    assert (pd.read_csv(tmp_path / "run" / "predictions.csv").row - 2).tolist() == test.tolist()


WILDTYPE = "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQ"


def test_a_wildtype_fasta_of_several_records_says_which_is_used(tmp_path, capsys):
    rng = np.random.default_rng(0)
    variants = [f"{WILDTYPE[p]}{p + 1}{a}" for p in range(len(WILDTYPE))
                for a in "AGW" if a != WILDTYPE[p]]
    path = tmp_path / "variants.csv"
    pd.DataFrame({"variant": variants, "score": rng.normal(size=len(variants))}).to_csv(
        path, index=False)
    fasta = tmp_path / "wt.fasta"
    fasta.write_text(f">wt\n{WILDTYPE.lower()}\n>homologue\n{WILDTYPE[5:]}\n")
    assert main(["train", "--task", "protein-variant", "--wildtype", str(fasta), "--data",
                 str(path), "--offset", "1", "--model", "additive", "--out",
                 str(tmp_path / "run")]) == 0
    said = _error(capsys)
    assert f"{fasta} holds 2 sequences: the wild type is the first, 'wt' (33 residues)" in said


def test_evaluate_on_identical_values_scores_what_it_can(run, tmp_path, values, capsys):
    folder, _ = run
    path = tmp_path / "flat.csv"
    values.assign(mrl=5.0).to_csv(path, index=False)
    capsys.readouterr()
    assert main(["evaluate", "--model", str(folder), "--data", str(path), "--out",
                 str(tmp_path / "evaluation")]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "r2: n/a" in out.out and "mae:" in out.out


def test_predict_refuses_to_overwrite_its_input_table(run, capsys, monkeypatch):
    from biochemml import runs

    folder, new = run
    before = new.read_text()
    monkeypatch.setattr(runs, "predict_run", lambda *a, **k: pytest.fail("predicted first"))
    assert main(["predict", "--model", str(folder), "--data", str(new), "--out", str(new),
                 "--sequence-column", "seq"]) == 1
    assert f"file {new}: is also the --data file: writing the predictions there would " \
        f"replace it (and what it holds); name a new file, such as new_out.csv" \
        in _error(capsys)
    assert new.read_text() == before


@pytest.mark.parametrize("command", [
    ["recommend", "--runs", "{runs}", "--factors", "{factors}", "--response", "titer",
     "--out", "{runs}"],
    ["replay", "--runs", "{runs}", "--factors", "{factors}", "--response", "titer",
     "--out", "{runs}"],
    ["encode", "--data", "{seqs}", "--kmer", "2", "--out", "{seqs}"],
    ["motif", "scan", "--motifs", "lecture:CCGGAA", "--seqs", "{seqs}", "--out", "{seqs}"],
])
def test_no_command_writes_its_output_over_its_input(command, tmp_path, capsys):
    """A review lost 16 measured runs to 'recommend --out runs.csv', and a table of
    measurements to encode and motif scan: every command refuses before any work."""
    files = {"runs": tmp_path / "runs.csv", "factors": tmp_path / "f.yaml",
             "seqs": tmp_path / "seqs.csv"}
    files["factors"].write_text("factors:\n  - {name: T, low: 25, high: 37}\n")
    files["runs"].write_text("T,titer,cycle\n25,1.0,1\n30,2.0,1\n37,1.5,2\n33,2.2,2\n")
    files["seqs"].write_text("sequence,gfp\nACCGGAAT,1.0\nTTTTACGT,0.5\n")
    before = {k: p.read_text() for k, p in files.items()}
    argv = [a.format(**files) for a in command]
    assert main(argv) == 1
    said = _error(capsys)
    assert "is also the --" in said and "there would replace it" in said
    assert {k: p.read_text() for k, p in files.items()} == before


def test_doe_does_not_replace_a_design_filled_in_with_measurements(tmp_path, capsys):
    (tmp_path / "f.yaml").write_text("factors:\n  - {name: T, low: 25, high: 37}\n")
    design = tmp_path / "design.csv"
    argv = ["doe", "--factors", str(tmp_path / "f.yaml"), "--n", "4", "--out", str(design)]
    assert main(argv) == 0
    assert main(argv) == 0  # a design alone may be made again
    filled = pd.read_csv(design).assign(titer=[1.0, 2.0, 1.5, 2.2])
    filled.to_csv(design, index=False)
    capsys.readouterr()
    assert main(argv) == 1
    assert "already holds runs with other columns (titer)" in _error(capsys)
    assert "titer" in pd.read_csv(design).columns


def test_predict_says_when_sequences_are_shorter_than_any_it_trained_on(tmp_path, values,
                                                                          capsys, monkeypatch):
    from biochemml import estimators, progress

    monkeypatch.setattr(progress, "_QUIET", False)
    path = tmp_path / "data.csv"
    values.to_csv(path, index=False)
    assert main(["train", "--data", str(path), "--sequence-column", "utr", "--target-column",
                 "mrl", "--task", "regression", "--model", "mlp", "--epochs", "1",
                 "--no-baselines", "--out", str(tmp_path / "run")]) == 0
    assert estimators.load(tmp_path / "run").train_lengths_ == (24, 24)
    new = tmp_path / "new.csv"
    pd.DataFrame({"utr": _sequences(3, length=20) + _sequences(1, length=24)}).to_csv(
        new, index=False)
    capsys.readouterr()
    assert main(["predict", "--model", str(tmp_path / "run"), "--data", str(new), "--out",
                 str(tmp_path / "pred.csv")]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "3 sequences (rows 2, 3, 4) are shorter than every training sequence (all 24 nt)" in said


@pytest.mark.parametrize("content, said", [
    (f"{WILDTYPE}*\n", None),                                  # a translated gene's stop
    (f"{WILDTYPE[:20]}\n{WILDTYPE[20:]}\n", None),              # no FASTA header at all
    (">wt\n" + "ATGAAAACCGCGTATATTGCGAAACAGCGCCAGATT\n", "looks like DNA: give the protein"),
])
def test_wildtype_files_as_people_write_them(tmp_path, content, said):
    from biochemml.errors import InputError
    from biochemml.protein_train import read_wildtype

    path = tmp_path / "wt.txt"
    path.write_text(content)
    if said is None:
        assert read_wildtype(path) == WILDTYPE
    else:
        with pytest.raises(InputError, match=said):
            read_wildtype(path)


def test_lower_case_mutations_are_read():
    from biochemml.protein import apply_mutations

    assert apply_mutations(WILDTYPE, "k2r:a4g", offset=1) == \
        apply_mutations(WILDTYPE, "K2R:A4G", offset=1)


def test_a_stratified_split_too_small_for_its_classes_says_so_in_words():
    from biochemml.errors import InputError
    from biochemml.splits import split_indices

    with pytest.raises(InputError, match="each side needs at least 3 rows"):
        split_indices(6, 0.2, stratify=list("aabbcc"))


@pytest.mark.parametrize("start, said", [
    (1, "'utr' is written in row 2: the column names must be the first row; delete the rows "
        "above them"),
    (2, "row 2: the row is empty and the first row looks like a title, not column names")])
def test_a_title_row_above_the_column_names_is_pointed_at(tmp_path, values, capsys, start,
                                                          said):
    path = tmp_path / "titled.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame([["MPRA run 3, 2026-11-02"]]).to_excel(book, index=False, header=False)
        values.to_excel(book, index=False, startrow=start)
    assert _train_regression(path, tmp_path / "run") == 1
    assert said in _error(capsys)
    assert not (tmp_path / "run").exists()


def test_a_group_column_of_many_values_lists_only_the_largest_groups(tmp_path, capsys):
    seqs = _sequences(400)
    gc = np.array([(s.count("G") + s.count("C")) / len(s) for s in seqs])
    path = tmp_path / "plates.csv"
    pd.DataFrame({"utr": seqs, "mrl": 2 + 3 * gc, "well": np.arange(400) % 40}).to_csv(
        path, index=False)
    assert main(["train", "--data", str(path), "--sequence-column", "utr", "--target-column",
                 "mrl", "--task", "regression", "--model", "ridge", "--no-baselines",
                 "--group-column", "well", "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    n_groups = len(json.loads((tmp_path / "run" / "metrics.json").read_text())["by_group"])
    assert n_groups > 30
    assert "test rows of each group (n, R2, Spearman; the 10 largest of " \
        f"{n_groups} groups, all in metrics.json):" in out
    listed = out.split("test rows of each group")[1].splitlines()[1:]
    assert sum(": n " in line for line in listed) == 10
    # groups of a few test rows get no bootstrap interval (it would reach -1e28)
    assert "95% CI" not in "".join(listed)


def test_a_broken_workbook_or_empty_structure_is_a_sentence_not_a_traceback(tmp_path):
    """A workbook cut short by a download, a zip that is not a workbook, an empty mmCIF:
    zipfile.BadZipFile, KeyError and gemmi's IndexError had reached the user."""
    import zipfile

    from biochemml import structure
    from biochemml.errors import InputError
    from biochemml.io import read_table

    full = tmp_path / "full.xlsx"
    pd.DataFrame({"sequence": ["ACGT"] * 500, "gfp": range(500)}).to_excel(full, index=False)
    (tmp_path / "cut.xlsx").write_bytes(full.read_bytes()[:3000])
    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as book:
        book.writestr("notes.txt", "not a workbook")
    for name in ("cut.xlsx", "other.xlsx"):
        with pytest.raises(InputError, match="is not a complete Excel workbook"):
            read_table(tmp_path / name)
    (tmp_path / "empty.cif").write_text("")
    (tmp_path / "comment.cif").write_text("# nothing here\n")
    for name in ("empty.cif", "comment.cif"):
        with pytest.raises(InputError, match="holds no structure"):
            structure.read(tmp_path / name)


def test_fit_conditions_writes_only_a_folder_of_its_own(tmp_path, capsys, monkeypatch):
    """--out-dir had written into any folder (a sequence run's report.html replaced) and
    found an existing file only after the cross-validation."""
    from biochemml import bioprocess

    (tmp_path / "f.yaml").write_text("factors:\n  - {name: T, low: 25, high: 37}\n")
    runs = tmp_path / "runs.csv"
    runs.write_text("T,titer\n25,1.0\n28,1.6\n30,2.0\n33,2.2\n35,1.9\n37,1.5\n")
    argv = ["fit-conditions", "--runs", str(runs), "--factors", str(tmp_path / "f.yaml"),
            "--response", "titer", "--kinds", "gp", "--out-dir"]
    other = tmp_path / "a_run"
    other.mkdir()
    (other / "model.pt").write_text("weights")
    (other / "report.html").write_text("the run's report")
    real = bioprocess.cross_validate
    monkeypatch.setattr(bioprocess, "cross_validate", lambda *a, **k: pytest.fail("ran first"))
    assert main(argv + [str(other)]) == 1
    assert "already holds other files (model.pt)" in _error(capsys)
    assert (other / "report.html").read_text() == "the run's report"
    assert main(argv + [str(runs)]) == 1 and "is a file, not a folder" in _error(capsys)
    monkeypatch.setattr(bioprocess, "cross_validate", real)
    folder = tmp_path / "model"
    assert main(argv + [str(folder)]) == 0
    first = (folder / "cv_metrics.csv").read_text()
    (folder / ".DS_Store").write_text("a Finder file")  # hidden files a system adds
    assert main(argv + [str(folder)]) == 0  # its own folder: replaced whole
    assert (folder / "cv_metrics.csv").read_text() == first
    assert not list(tmp_path.glob(".*.partial"))


def test_a_pdb_file_cut_short_is_named_not_read_as_a_shorter_protein(tmp_path):
    """A download stopped midway read as 116 of 286 residues, and a run blamed a missing
    signal peptide."""
    from biochemml import datasets, structure
    from biochemml.errors import InputError

    whole = datasets.structure_path("tem1")
    text = whole.read_text()
    (tmp_path / "cut.pdb").write_text(text[:150000])
    with pytest.raises(InputError, match=r"ends in the middle of an atom record \(its last "
                                         r"line has \d+ characters, its other atom lines 80\)"):
        structure.read(tmp_path / "cut.pdb")
    (tmp_path / "cut_early.pdb").write_text(text[:150000].rsplit("\n", 1)[0][:-40] + "\n")
    with pytest.raises(InputError, match="cut short"):
        structure.read(tmp_path / "cut_early.pdb")
    assert len(structure.read(whole).sequence) == 286  # the whole file reads


def test_swapped_runs_and_factors_files_are_named(tmp_path, capsys):
    (tmp_path / "f.yaml").write_text("factors:\n  - {name: T, low: 25, high: 37}\n")
    (tmp_path / "runs.csv").write_text("T,titer\n25,1.0\n30,2.0\n37,1.5\n33,2.2\n")
    argv = ["recommend", "--runs", str(tmp_path / "f.yaml"), "--factors",
            str(tmp_path / "runs.csv"), "--response", "titer", "--out", str(tmp_path / "n.csv")]
    assert main(argv) == 1
    said = _error(capsys)
    assert "is this the table of runs? It goes to --runs" in said
    from biochemml.bioprocess import Factors, check_runs
    from biochemml.errors import InputError

    with pytest.raises(InputError, match="is a YAML file, which describes factors: --runs takes "
                                         "the table of runs"):
        check_runs(tmp_path / "f.yaml", Factors.from_file(tmp_path / "f.yaml"), "titer")


def test_no_command_writes_inside_a_run_folder(run, tmp_path, capsys):
    """A motif scan written as another run's predictions.csv, or an encoding as its
    training_sequences.npy, had switched off evaluate's training-overlap check (an R² of
    0.34 on unseen variants reported as 0.79)."""
    folder, new = run
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    for argv in (["motif", "scan", "--motifs", "lecture:CCGGAA", "--seqs", str(new),
                  "--sequence-column", "seq", "--out", str(folder / "predictions.csv")],
                 ["encode", "--data", str(new), "--sequence-column", "seq", "--out",
                  str(folder / "training_sequences.npy")],
                 ["predict", "--model", str(folder), "--data", str(new), "--sequence-column",
                  "seq", "--out", str(folder / "figures" / "more.csv")]):
        assert main(argv) == 1
        assert f"is inside the run folder {folder}" in _error(capsys)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def test_a_structure_that_stops_early_is_not_blamed_on_a_signal_peptide(tmp_path):
    from biochemml import datasets
    from biochemml.errors import InputError
    from biochemml.protein.models import check_structure

    lines = datasets.structure_path("tem1").read_text().splitlines(keepends=True)
    atoms = [i for i, line in enumerate(lines) if line.startswith("ATOM")]
    (tmp_path / "cut.pdb").write_text("".join(lines[:atoms[1000]]))  # whole lines only
    with pytest.raises(InputError, match=r"The structure stops at wild-type position \d+: a "
                                         r"file cut short") as info:
        check_structure(tmp_path / "cut.pdb", datasets.wildtype("tem1"), offset=1)
    assert "signal peptide" not in str(info.value)


def test_small_cli_options_are_answered_in_the_cli_s_words(tmp_path, capsys):
    from biochemml.io.tables import _did_you_mean

    seqs = tmp_path / "seqs.csv"
    seqs.write_text("sequence,gfp\nACCGGAAT,1.0\nTTTTACGT,0.5\n")
    assert main(["encode", "--data", str(seqs), "--length", "4", "--truncate", "middle",
                 "--out", str(tmp_path / "x.npy")]) == 1
    assert "--truncate must be 'left' (keep the 3' end) or 'right'" in _error(capsys)
    assert main(["motif", "scan", "--motifs", "lecture:CCGGAA", "--seqs", str(seqs), "--best",
                 "--pvalue", "0.01", "--out", str(tmp_path / "hits.csv")]) == 0
    assert "--pvalue 0.01 is not used with --best" in " ".join(capsys.readouterr().err.split())
    assert _did_you_mean("Sequence ", ["Sequence", "gfp"]) == (
        " (did you mean 'Sequence', without the spaces around it?)")
