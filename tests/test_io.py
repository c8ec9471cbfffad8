"""Reading user tables: formats, FASTA headers, and errors that name file, row and column."""
import gzip
import os
import re
import sys

import numpy as np
import pandas as pd
import pytest

from biochemml.errors import InputError
from biochemml.io import numeric_column, read_fasta, read_table, require_columns, sequence_column


@pytest.fixture
def frame():
    return pd.DataFrame({"sequence": ["ACGT", "acgg", "TTAA"], "gfp": [1.5, 2.0, 0.25]})


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".txt", ".parquet", ".csv.gz"])
def test_tables_of_every_format_read_alike(tmp_path, frame, suffix):
    path = tmp_path / f"data{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_csv(path, sep="," if ".csv" in suffix else "\t", index=False)
    df = read_table(path, columns=["sequence", "gfp"])
    pd.testing.assert_frame_equal(df, frame)
    assert df.attrs["path"] == str(path)


def test_fasta_with_values_in_headers(tmp_path):
    path = tmp_path / "seqs.fa"
    path.write_text(">s1 3.5\nACGT\nAC\n\n>s2 gfp=1.25 rep=2\nggtt\n>s3 x\nA\n")
    df = read_table(path)
    assert df["id"].tolist() == ["s1", "s2", "s3"]
    assert df["sequence"].tolist() == ["ACGTAC", "ggtt", "A"]
    assert df["gfp"].iloc[1] == 1.25 and df["value"].iloc[0] == "3.5"  # mixed -> text
    gz = tmp_path / "seqs.fasta.gz"
    with gzip.open(gz, "wt") as handle:
        handle.write(">a 1\nAC\n>b 2\nGT\n")
    assert read_table(gz)["value"].tolist() == [1, 2]
    assert sequence_column(df, "sequence") == ["ACGTAC", "GGTT", "A"]


def test_sequence_column_errors_name_file_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"seq": ["ACGT", "ACGT", "ACXT"]}).to_csv(path, index=False)
    df = read_table(path)
    with pytest.raises(InputError) as err:
        sequence_column(df, "seq")
    text = str(err.value)
    # the third data row is row 4 of the file (row 1 is the header)
    assert f"file {path}" in text and "row 4" in text and "column 'seq'" in text
    assert "'X'" in text and "position 3" in text
    pd.DataFrame({"seq": ["ACGT", None]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="row 3, column 'seq': the sequence is missing"):
        sequence_column(read_table(path), "seq")
    path.write_text("seq,gfp\nACGT,1\n ,2\n")
    with pytest.raises(InputError, match="row 3, column 'seq'.*empty"):
        sequence_column(read_table(path), "seq")
    fasta = tmp_path / "x.fa"
    fasta.write_text(">a\nACGT\n>b\nAC!T\n")
    with pytest.raises(InputError, match=r"x.fa, record 2 \(line 3\), column 'sequence'.*'!'"):
        sequence_column(read_table(fasta), "sequence")


def test_a_blank_line_in_a_one_column_table_is_a_missing_value_at_its_row(tmp_path):
    """Skipped, it had shifted the row number of every error after it (and dropped an
    empty protein variant, the wild type); blank lines after the data are dropped, and a
    value written empty ("") is kept."""
    path = tmp_path / "one.csv"
    path.write_text("seq\nACGT\n\nACXT\n\n\n")
    df = read_table(path)
    assert df["seq"].isna().tolist() == [False, True, False]
    assert df.attrs["first_row"] + 2 == 4 and df["seq"][2] == "ACXT"  # file row 4
    with pytest.raises(InputError, match="row 3, column 'seq': the sequence is missing"):
        sequence_column(df, "seq")
    path.write_text('seq\r\nACGT\r\n""\r\n')  # Windows lines, a value written empty
    assert read_table(path)["seq"].isna().tolist() == [False, True]
    path.write_text(' seq \n"AC\nGT"\n\nACGT\n')  # a quoted line break: blank lines skipped
    assert read_table(path)["seq"].tolist() == ["AC\nGT", "ACGT"]  # the name cleaned too


def test_a_units_row_under_the_header_of_a_sequence_table_is_named(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("id,sequence,expr\n,,a.u.\nu1,ACGT,1.5\nu2,ACGA,2.5\n")
    with pytest.raises(InputError, match=r"row 2, column 'sequence': the sequence is missing; "
                                         r"the first row under the header looks like a row of "
                                         r"units \('a\.u\.' under 'expr'\)"):
        sequence_column(read_table(path), "sequence")


def test_missing_column_lists_the_columns(tmp_path, frame):
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match="has no column 'expression'; its columns are: sequence, gfp"):
        read_table(path, columns=["sequence", "expression"])
    with pytest.raises(InputError, match="no column 'y'"):
        require_columns(frame, ["y"])


def test_numeric_column_names_the_first_bad_cell(tmp_path):
    path = tmp_path / "v.csv"
    pd.DataFrame({"sequence": ["A", "C", "G"], "gfp": ["1.0", "high", "3"]}).to_csv(path, index=False)
    df = read_table(path)
    with pytest.raises(InputError, match="row 3, column 'gfp': the value is 'high', not a number"):
        numeric_column(df, "gfp")
    pd.DataFrame({"gfp": [1.0, np.nan]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="row 3, column 'gfp': the value is empty"):
        numeric_column(read_table(path), "gfp")
    assert np.isnan(numeric_column(read_table(path), "gfp", allow_missing=True)[1])
    # several missing values: counted, with what to do
    pd.DataFrame({"gfp": [1.0, np.nan, 2.0, np.nan]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 3, column 'gfp': the value is empty \(a blank "
                                         r"cell, or a word read as missing: NA, N/A, NaN, None, "
                                         r"null\) \(2 rows in all: rows 3, 5\); remove the rows without a"):
        numeric_column(read_table(path), "gfp")
    # many: the first five file rows named
    pd.DataFrame({"gfp": [1.0] + [np.nan] * 10}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"\(10 rows in all: rows 3, 4, 5, 6, 7, \.\.\.\)"):
        numeric_column(read_table(path), "gfp")
    # a cell of spaces looks empty in a spreadsheet: said so
    path.write_text("sequence,gfp\nA,1.0\nC, \n")
    with pytest.raises(InputError, match=r"row 3, column 'gfp': the value is ' ', spaces only"):
        numeric_column(read_table(path), "gfp")
    # the word a user sees in the cell is among those named
    path.write_text("gfp\n1.0\nN/A\n")
    with pytest.raises(InputError, match=r"row 3, column 'gfp': the value is empty .*N/A"):
        numeric_column(read_table(path), "gfp")
    # an empty cell and a word: the word is named (it had been counted as empty)
    pd.DataFrame({"gfp": [1.0, np.nan, "abc"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 4, column 'gfp': the value is 'abc', not a "
                                         r"number.*\(2 rows in all: 1 not a number, 1 empty: rows 3, 4\); remove the rows without "
                                         r"a value"):
        numeric_column(read_table(path), "gfp")
    pd.DataFrame({"sequence": ["A", "C"], "gfp": [np.nan, np.nan]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="column 'gfp': the column is empty"):
        numeric_column(read_table(path), "gfp")


def test_unreadable_and_empty_files(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="folder .*: expected a table file, not a folder"):
        read_table(tmp_path)
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(InputError, match="unknown file type '.json'"):
        read_table(tmp_path / "x.json")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="empty.csv: the file is empty"):
        read_table(tmp_path / "empty.csv")
    (tmp_path / "header.csv").write_text("sequence,gfp\n")
    with pytest.raises(InputError, match="the table has no rows"):
        read_table(tmp_path / "header.csv")
    (tmp_path / "binary.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x00\x00")
    with pytest.raises(InputError, match="binary.csv: is not a table: its content is binary"):
        read_table(tmp_path / "binary.csv")
    # random bytes named .xlsx: not 'rename it to .csv'; a password-protected workbook and
    # Excel's lock file say what they are
    (tmp_path / "noise.xlsx").write_bytes(np.random.default_rng(0).bytes(3000))
    with pytest.raises(InputError, match="noise.xlsx: is not a table: its content is binary"):
        read_table(tmp_path / "noise.xlsx")
    (tmp_path / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    with pytest.raises(InputError, match="is a password-protected workbook"):
        read_table(tmp_path / "locked.xlsx")
    (tmp_path / "~$book.xlsx").write_bytes(b"owner")
    with pytest.raises(InputError, match="Excel's lock file for an open workbook, not the "
                                         "workbook: choose book.xlsx"):
        read_table(tmp_path / "~$book.xlsx")
    (tmp_path / "broken.parquet").write_text("not parquet")
    with pytest.raises(InputError, match="could not be read as a parquet table"):
        read_table(tmp_path / "broken.parquet")
    (tmp_path / "noheader.fa").write_text("ACGT\n")
    with pytest.raises(InputError, match="line 1: sequence before the first '>' header"):
        read_fasta(tmp_path / "noheader.fa")
    (tmp_path / "blank.fa").write_text("\n\n")
    with pytest.raises(InputError, match="no FASTA records"):
        read_table(tmp_path / "blank.fa")
    (tmp_path / "noname.fa").write_text(">\nACGT\n")
    with pytest.raises(InputError, match="line 1: a FASTA header without a name"):
        read_table(tmp_path / "noname.fa")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_file_without_read_permission(tmp_path, frame):
    path = tmp_path / "locked.csv"
    frame.to_csv(path, index=False)
    path.chmod(0)
    with pytest.raises(InputError, match="locked.csv: could not be read"):
        read_table(path)


@pytest.mark.parametrize("header, name, where", [
    ("rbs,te,te", "te", "columns 2 and 3"),
    ("rbs,rbs,te", "rbs", "columns 1 and 2"),
    ("te,rbs,te,te", "te", "3 times (columns 1, 3 and 4)"),
])
@pytest.mark.parametrize("sep, suffix", [(",", ".csv"), ("\t", ".tsv")])
def test_a_column_named_twice_in_the_header_is_refused(tmp_path, header, name, where, sep,
                                                       suffix):
    path = tmp_path / f"dup{suffix}"
    rows = [header] + [",".join(["ACGT"] + ["1"] * (header.count(",")))] * 2
    path.write_text("\n".join(r.replace(",", sep) for r in rows) + "\n")
    with pytest.raises(InputError) as err:
        read_table(path)
    text = str(err.value)
    assert text.startswith(f"file {path}: column '{name}' appears ")
    assert where in text


def test_column_names_over_two_rows_are_refused_with_one_name_per_column(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["sequence", "GFP", None, "OD"])
    sheet.append([None, "rep1", "rep2", None])
    sheet.merge_cells("B1:C1")  # 'GFP' over its two replicates, as labs lay them out
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("D1:D2")
    for i in range(5):
        sheet.append(["ACGTACGT", 1.0 + i, 1.5 + i, 0.1 * i])
    book.save(tmp_path / "two.xlsx")
    expected = ("the column names seem to take two rows (row 1: sequence, GFP, (blank), OD; "
                "row 2: (blank), rep1, rep2, (blank)), as merged header cells do: biochemml "
                "reads one row of names. Write one name per column in row 1 (such as GFP_rep1, "
                "GFP_rep2) and delete row 2")
    with pytest.raises(InputError) as err:
        read_table(tmp_path / "two.xlsx")
    assert str(err.value) == f"file {tmp_path / 'two.xlsx'}: {expected}"
    # the same layout saved as a semicolon CSV (decimal commas) after a blank first line
    semi = tmp_path / "two.csv"
    semi.write_text("\nsequence;GFP;;OD\n;rep1;rep2;\n"
                    + "".join(f"ACGT;{i},5;{i},25;0,{i}\n" for i in range(5)))
    with pytest.raises(InputError, match=r"take two rows \(row 2: sequence, GFP, \(blank\), OD; "
                                         r"row 3: .*in row 2 \(such as GFP_rep1, GFP_rep2\) and "
                                         r"delete row 3"):
        read_table(semi)
    # a blank name alone (a pandas index written to CSV) is a table like any other
    plain = tmp_path / "index.csv"
    pd.DataFrame({"sequence": ["ACGT"] * 4, "gfp": [1.0, 2.0, 3.0, 4.0]}).to_csv(plain)
    assert list(read_table(plain).columns) == ["Unnamed: 0", "sequence", "gfp"]
    # and so is a word among numbers below a full header
    worded = tmp_path / "worded.csv"
    worded.write_text("sequence,gfp,note\nACGT,high,1\nACGA,2,2\nACGC,3,3\n")
    assert len(read_table(worded)) == 3
    # a pandas index column beside 'n.d.' in a named column: a bad value, not a header row
    indexed = tmp_path / "indexed.csv"
    indexed.write_text(",sequence,gfp\n0,ACGTAC,n.d.\n1,ACGTAA,2.0\n2,ACGTAG,3.0\n")
    assert len(read_table(indexed)) == 3
    # an empty blank-named column and a plate column starting with 'ctrl'
    plate = tmp_path / "plate.csv"
    plate.write_text("sequence,gfp,,plate\nACGT,1.0,,ctrl\nACGA,2.0,,1\nACGC,3.0,,2\n")
    assert len(read_table(plate)) == 3


def test_similar_but_different_headers_are_kept(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("rbs,te,te.1\nACGT,1,2\n")  # 'te.1' is a name of its own, not a copy
    assert list(read_table(path).columns) == ["rbs", "te", "te.1"]


def test_excel_tables_are_read_and_checked(tmp_path, frame):
    pytest.importorskip("openpyxl")
    path = tmp_path / "data.xlsx"
    frame.to_excel(path, index=False)
    df = read_table(path, columns=["sequence", "gfp"])
    pd.testing.assert_frame_equal(df, frame)
    assert df.attrs["first_row"] == 2
    dup = pd.DataFrame([["ACGT", 1.0, 2.0]], columns=["rbs", "te", "te2"])
    dup.to_excel(tmp_path / "dup.xlsx", index=False, header=["rbs", "te", "te"])
    with pytest.raises(InputError, match=r"dup.xlsx: column 'te' appears twice \(columns 2 and 3\)"):
        read_table(tmp_path / "dup.xlsx")


def test_excel_without_openpyxl_says_how_to_install_it(tmp_path, monkeypatch):
    def missing(*args, **kwargs):
        raise ImportError("Missing optional dependency 'openpyxl'.")

    monkeypatch.setattr(pd, "ExcelFile", missing)  # what read_table opens a workbook with
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(InputError, match=r"data.xlsx: reading .xlsx files needs the Python "
                                         r"package openpyxl.*'pip install openpyxl'"):
        read_table(path)


def test_a_missing_column_of_a_fasta_file_says_how_fasta_carries_values(tmp_path):
    path = tmp_path / "x.fasta"
    path.write_text(">a\nACGT\n>b\nGGCA\n")
    with pytest.raises(InputError, match=r"no column 'te'; its columns are: id, sequence\. A "
                                         r"FASTA file carries values in its headers: '>seq1 "
                                         r"te=0.53' gives a column 'te'"):
        read_table(path, columns=["te"])
    csv = tmp_path / "x.csv"
    csv.write_text("sequence\nACGT\n")
    with pytest.raises(InputError) as err:
        read_table(csv, columns=["te"])
    assert "FASTA" not in str(err.value)


def test_a_fasta_saved_with_a_byte_order_mark_is_read(tmp_path):
    from biochemml.io.tables import read_fasta

    path = tmp_path / "bom.fasta"
    path.write_bytes(b"\xef\xbb\xbf>wt gfp=1.5\nMKTAYIAKQR\n")
    table = read_fasta(path)
    assert table["id"].tolist() == ["wt"] and table["gfp"].tolist() == [1.5]


def test_a_short_form_of_the_sequence_column_gets_a_did_you_mean(tmp_path):
    path = tmp_path / "sd.csv"
    path.write_text("sequence,fitness\nACGT,1.0\nACGA,2.0\n")
    df = read_table(path)
    with pytest.raises(InputError, match=r"has no column 'seq'.*\(did you mean 'sequence'\?\)"):
        sequence_column(df, "seq")
    with pytest.raises(InputError, match=r"\(did you mean 'fitness'\?\)"):
        require_columns(df, ["fitnes"])
    path.write_text("seq,fitness\nACGT,1.0\n")
    with pytest.raises(InputError, match=r"\(did you mean 'seq'\?\)"):
        sequence_column(read_table(path), "sequence")
    with pytest.raises(InputError) as err:
        require_columns(df, ["xyz"])
    assert "did you mean" not in str(err.value)
    # a short name that starts several columns: all of them, not the closest spelling alone
    # (GFP_sd is closer to 'GFP' than GFP_mean, and training on the SD would be wrong)
    path.write_text("seq_id,GFP_mean,GFP_sd\nv1,1.0,0.1\n")
    with pytest.raises(InputError, match=r"\(did you mean 'GFP_mean' or 'GFP_sd'\?\)"):
        require_columns(read_table(path), ["GFP"])


def test_fasta_errors_name_the_record_and_its_line(tmp_path):
    fasta = tmp_path / "lib.fa"
    records = [f">s{i} gfp={i}.5\nACGTACGT\n" for i in range(1, 301)]
    fasta.write_text("".join(records) + ">s301 gfp=oops\nACGTXCGT\n")
    df = read_table(fasta)
    with pytest.raises(InputError) as err:
        sequence_column(df, "sequence")
    text = str(err.value)
    assert text.startswith(f"file {fasta}, record 301 (line 601), column 'sequence': ")
    assert "row 301" not in text and err.value.row == 300 and err.value.column == "sequence"
    with pytest.raises(InputError, match=r"record 301 \(line 601\), column 'gfp': the value "
                                         "is 'oops', not a number"):
        numeric_column(df, "gfp")
    blank = tmp_path / "blank.fa.gz"
    with gzip.open(blank, "wt") as handle:
        handle.write(">a\nACGT\n\n>b\n")
    with pytest.raises(InputError, match=r"record 2 \(line 4\), column 'sequence'"):
        sequence_column(read_table(blank), "sequence")


def test_row_error_names_a_table_row_or_a_fasta_record(tmp_path):
    from biochemml.io import row_error

    path = tmp_path / "d.csv"
    path.write_text("sequence,label\nACGT,a\nACGA,\n")
    err = row_error("the label is missing", read_table(path), 1, "label")
    assert str(err) == f"file {path}, row 3, column 'label': the label is missing"
    fasta = tmp_path / "d.fa"
    fasta.write_text(">a\nACGT\n\n>b\nACGA\n")
    err = row_error("the label is missing", read_table(fasta), 1)
    assert str(err) == f"file {fasta}, record 2 (line 4): the label is missing"
    assert isinstance(err, InputError) and err.row == 1 and err.message == "the label is missing"


def test_row_error_without_a_row_names_the_file_and_column(tmp_path):
    from biochemml.io import row_error

    path = tmp_path / "d.csv"
    path.write_text("sequence,label\nACGT,a\n")
    err = row_error("the split column needs rows marked 'test'", read_table(path), None, "set")
    assert str(err) == f"file {path}, column 'set': the split column needs rows marked 'test'"
    assert err.row is None


def test_writing_excel_without_openpyxl_is_refused_before_the_work(tmp_path, monkeypatch):
    from biochemml.io.writers import table_suffix

    assert table_suffix(tmp_path / "pred.XLSX") == ".xlsx"
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now raises
    with pytest.raises(InputError, match=r"pred.xlsx: writing Excel needs the Python package "
                                         r"openpyxl"):
        table_suffix(tmp_path / "pred.xlsx")


@pytest.mark.parametrize("name, content, said", [
    ("table.xlsx", "sequence,label\nACGT,1\n", "ends in '.xlsx' but looks like a text table "
     "(CSV or TSV): rename it to table.csv"),
    ("seqs.csv", ">s0 label=1\nACGT\n", "ends in '.csv' but looks like a FASTA file: rename it "
     "to seqs.fasta"),
    ("seqs.tsv", "\n\n>s0\nACGT\n", "ends in '.tsv' but looks like a FASTA file"),
])
def test_content_that_does_not_match_the_ending_is_named(tmp_path, name, content, said):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=re.escape(f"file {path}: {said}")):
        read_table(path)


def test_a_parquet_or_excel_file_with_a_text_ending_is_named(tmp_path):
    df = pd.DataFrame({"sequence": ["ACGT"], "y": [1.0]})
    df.to_parquet(tmp_path / "t.csv")
    with pytest.raises(InputError, match="ends in '.csv' but looks like a Parquet file: "
                                         "rename it to t.parquet"):
        read_table(tmp_path / "t.csv")
    df.to_excel(tmp_path / "t.tsv", index=False, engine="openpyxl")
    with pytest.raises(InputError, match="looks like an Excel workbook: rename it to t.xlsx"):
        read_table(tmp_path / "t.tsv")
    df.to_csv(tmp_path / "t.csv.gz", index=False)  # compressed: the ending decides
    assert read_table(tmp_path / "t.csv.gz")["y"].tolist() == [1.0]


def test_a_series_where_a_table_is_expected_is_one_sentence():
    from biochemml.runs import train_run

    with pytest.raises(InputError, match="expected a table: a file path or a pandas DataFrame "
                                         r"\(with the sequences and values as columns\), not a "
                                         "Series"):
        train_run(pd.Series(["ACGT"] * 4), task="regression")


def test_a_workbook_of_several_sheets_says_which_sheet_it_read(tmp_path, frame, capsys,
                                                               monkeypatch):
    pytest.importorskip("openpyxl")
    from biochemml import progress

    monkeypatch.setattr(progress, "_QUIET", False)
    path = tmp_path / "runs.xlsx"
    with pd.ExcelWriter(path) as book:
        frame.to_excel(book, sheet_name="Run1", index=False)
        frame.head(2).to_excel(book, sheet_name="Run2", index=False)
    pd.testing.assert_frame_equal(read_table(path), frame)  # the first sheet
    said = " ".join(capsys.readouterr().err.split())
    assert "read the first sheet, 'Run1', of 2 ('Run1', 'Run2'); to use another" in said
    frame.to_excel(tmp_path / "one.xlsx", index=False)
    read_table(tmp_path / "one.xlsx")
    assert "sheet" not in capsys.readouterr().err


def test_a_comma_number_names_both_readings_when_it_could_be_thousands(tmp_path):
    path = tmp_path / "v.csv"
    pd.DataFrame({"sequence": ["A", "C"], "gfp": ["3,353", "1.0"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"the value is '3,353', not a number \(for a thousands "
                                         r"separator, write 3353; for a decimal comma, 3\.353\)"):
        numeric_column(read_table(path), "gfp")
    for cell, said in (("1,234,567", "(for a thousands separator, write 1234567)"),
                       ("0,500", "(for a decimal comma, write 0.500)")):  # no thousands group
        pd.DataFrame({"sequence": ["A", "C"], "gfp": [cell, "1.0"]}).to_csv(path, index=False)
        with pytest.raises(InputError, match=re.escape(f"'{cell}', not a number {said}")):
            numeric_column(read_table(path), "gfp")
    pd.DataFrame({"sequence": ["A", "C"], "gfp": ["3,5", "1.0"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"'3,5', not a number \(for a decimal comma, write 3\.5\)"):
        numeric_column(read_table(path), "gfp")
    # a column whose other cells can only be decimal commas settles the reading
    pd.DataFrame({"sequence": ["A", "C"], "gfp": ["3,353", "2,5"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"'3,353', not a number \(for a decimal comma, write "
                                         r"3\.353\)"):
        numeric_column(read_table(path), "gfp")


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_fasta_in_windows_or_unicode_text_is_read(tmp_path, encoding):
    path = tmp_path / "s.fasta"
    path.write_bytes(">s0 37°C 3.3\r\nACGT\r\n>s1 25°C 1.5\r\nGGCC\r\n".encode(encoding))
    df = read_fasta(path)
    assert df["sequence"].tolist() == ["ACGT", "GGCC"]
    assert df["value"].tolist() == ["37°C", "25°C"] and df["value2"].tolist() == [3.3, 1.5]
    gz = tmp_path / "s.fasta.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert read_table(gz)["sequence"].tolist() == ["ACGT", "GGCC"]


def test_fasta_header_values_in_the_forms_labs_write_them(tmp_path):
    path = tmp_path / "h.fasta"
    path.write_text(">s1 gfp = 3.2 rep=1 7.5 8\nACGT\n>s2 gfp=1.0 rep=2 6.5 9\nGGCC\n")
    df = read_fasta(path)
    assert df["gfp"].tolist() == [3.2, 1.0] and df["rep"].tolist() == [1, 2]
    assert df["value"].tolist() == [7.5, 6.5] and df["value2"].tolist() == [8, 9]  # bare values
    path.write_text(">s1\nACGTACGTAC GTACGTACGT\nAC GT\n")  # blocks of 10, as GenBank shows
    assert read_fasta(path)["sequence"].tolist() == ["ACGTACGTACGTACGTACGTACGT"]
    for header, said in ((">s1 id=X0 3.3", "'id=X0' would replace the record's name"),
                         (">s1 gfp=1.2 gfp=0", "'gfp=0' would replace the value 'gfp' given "
                                               "earlier"),
                         (">s1 sequence=ACGT", "a header value is named 'sequence'")):
        path.write_text(f">s0 1.0\nACGT\n{header}\nGGCC\n")
        with pytest.raises(InputError, match=rf"h\.fasta: line 3: .*{re.escape(said)}"):
            read_fasta(path)


def test_a_decimal_comma_file_reads_thousands_dots_and_names_the_cell_that_is_bad(tmp_path):
    path = tmp_path / "eu.csv"  # a European Excel export: semicolons and decimal commas
    path.write_text("sequence;gfp\nACGT;3,5\nGGCC;1.234,5\nTTAA;-0,25\nCCGG;n.d.\n")
    df = read_table(path)
    with pytest.raises(InputError, match=r"row 5, column 'gfp': the value is 'n\.d\.'"):
        numeric_column(df, "gfp")  # it named row 2 ('3,5') when one cell held a thousands dot
    path.write_text("sequence;gfp\nACGT;3,5\nGGCC;1.234,5\nTTAA;-0,25\n")
    assert numeric_column(read_table(path), "gfp").tolist() == [3.5, 1234.5, -0.25]
    from biochemml.bioprocess.factors import numeric_cells  # the runs tables read alike

    assert numeric_cells(read_table(path), "gfp").tolist() == [3.5, 1234.5, -0.25]
    # '1.234' is 1234 or 1.234 in such a file: named, never read with a decimal point
    path.write_text("sequence;gfp\nACGT;1.234\nGGCC;2,5\nTTAA;1.234,5\n")
    said = (r"row 2, column 'gfp': the value is '1\.234', not a number \(a dot may separate "
            r"thousands in a table like this one, as European Excel writes them: write 1234 if "
            r"it does, or 1,234 for a decimal\)")
    with pytest.raises(InputError, match=said):
        numeric_column(read_table(path), "gfp")
    with pytest.raises(InputError, match=said):
        numeric_cells(read_table(path), "gfp", path=path)


def test_a_decimal_comma_file_reads_a_dot_no_thousands_separator_could_write(tmp_path):
    path = tmp_path / "eu.csv"  # '7.0' typed into a German Excel: only a decimal point
    path.write_text("sequence;pH;conc\nACGT;7,2;0.125\nGGCC;7.0;1,5\nTTAA;6.85;2\n")
    assert numeric_column(read_table(path), "pH").tolist() == [7.2, 7.0, 6.85]
    assert numeric_column(read_table(path), "conc").tolist() == [0.125, 1.5, 2.0]  # no '0125'


def test_a_semicolon_file_with_decimal_points_reads_them(tmp_path):
    """Swiss Excel and plate readers write semicolons with decimal points: '4.134' had been
    refused as a possible thousands dot in a table holding no comma at all."""
    path = tmp_path / "semi.csv"
    path.write_text("id;sequence;expr\nu0;ACGT;4.134\nu1;ACGA;0.500\nu2;ACGG;12.345\n")
    assert numeric_column(read_table(path), "expr").tolist() == [4.134, 0.5, 12.345]
    # counts written with thousands dots are never read 1000 times too small: refused
    path.write_text("sequence;reads\nACGTAC;1.234\nAAAACC;12.345\nCCCCGG;2.500\nGGGGTT;987\n")
    with pytest.raises(InputError, match="the value is '1.234', not a number"):
        numeric_column(read_table(path), "reads")
    # a column that shows a dot no thousands separator writes: its dots are decimals
    path.write_text("sequence;expr;od\nACGT;4.1345;0,5\nACGA;1.500;0,7\n")
    assert numeric_column(read_table(path), "expr").tolist() == [4.1345, 1.5]


def test_a_tab_separated_export_with_decimal_commas_reads_them(tmp_path):
    path = tmp_path / "runs.txt"  # a European Excel "Text (Tab delimited)" export
    path.write_text("sequence\tT\tgfp\nACGT\t31,78\t1\nGGCC\t30\t2,5\nTTAA\t29,5\t3\n")
    df = read_table(path)
    assert numeric_column(df, "T").tolist() == [31.78, 30.0, 29.5]
    assert numeric_column(df, "gfp").tolist() == [1.0, 2.5, 3.0]
    # a tab file that writes decimal points keeps them, and its commas are named
    path.write_text("sequence\tT\tgfp\nACGT\t31.5\t1\nGGCC\t30\t2,5\nTTAA\t29\t3\n")
    with pytest.raises(InputError, match=r"row 3, column 'gfp': the value is '2,5'"):
        numeric_column(read_table(path), "gfp")
    # a text column of comma lists stays text; only columns read as numbers take commas
    path.write_text("sequence\tpositions\tT\nACGT\t12,45\t31,5\nGGCC\t3,7\t30\n"
                    "TTAA\t5,8\t29\n")
    df = read_table(path)
    assert df["positions"].tolist() == ["12,45", "3,7", "5,8"]
    assert numeric_column(df, "T").tolist() == [31.5, 30.0, 29.0]
    # '3,353' could be thousands: it alone does not make a decimal-comma file
    path.write_text("sequence\treads\nACGT\t3,353\nGGCC\t12\n")
    assert read_table(path).attrs["decimal"] == "."


def test_a_row_of_units_under_the_header_is_named_as_such(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("sequence,T,gfp\n,°C,a.u.\nACGT,30,1\nGGCC,31,2\nTTAA,32,3\n")
    with pytest.raises(InputError, match=r"row 2, column 'T': the value is '°C', not a number; "
                                         r"the first row under the header looks like a row of "
                                         r"units: put each unit in its column's name \(e\.g\. "
                                         r"'T \(°C\)'\) and delete that row"):
        numeric_column(read_table(path), "T")
    from biochemml.bioprocess.factors import numeric_cells  # the runs tables say it alike

    with pytest.raises(InputError, match=r"looks like a row of units: put each unit in its "
                                         r"column's name \(e\.g\. 'T \(°C\)'\)"):
        numeric_cells(read_table(path), "T")
    path.write_text("sequence,T (°C),gfp\n,°C,a.u.\nACGT,30,1\nGGCC,31,2\nTTAA,32,3\n")
    with pytest.raises(InputError, match=r"looks like a row of units: delete that row$"):
        numeric_column(read_table(path), "T (°C)")  # the name has its unit already
    path.write_text("sequence,T,gfp\nACGT,n.d.,1\nGGCC,31,2\nTTAA,32,3\n")  # a measurement
    with pytest.raises(InputError) as err:
        numeric_column(read_table(path), "T")
    assert "row of units" not in str(err.value)
    path.write_text("sequence,T\nACGT,30\nGGCC,hot\nTTAA,32\n")  # a bad cell further down
    with pytest.raises(InputError) as err:
        numeric_column(read_table(path), "T")
    assert "row of units" not in str(err.value)


def test_excel_formulas_without_saved_results_are_named(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()  # as a script or a LIMS writes it: formulas, no results
    sheet = book.active
    sheet.append(["sequence", "raw", "gfp"])
    for i, seq in enumerate(["ACGT", "GGCC", "TTAA"], start=2):
        sheet.append([seq, i, f"=B{i}*2"])
    book.save(tmp_path / "f.xlsx")
    with pytest.raises(InputError, match=r"column 'gfp': the column is empty: it holds no value "
                                         r"but formulas, whose results were never saved"):
        numeric_column(read_table(tmp_path / "f.xlsx"), "gfp")
    pd.DataFrame({"sequence": ["A", "C"], "gfp": [np.nan, np.nan]}).to_excel(
        tmp_path / "e.xlsx", index=False)
    with pytest.raises(InputError, match=r"the column is empty: it holds no value$"):
        numeric_column(read_table(tmp_path / "e.xlsx"), "gfp")


def test_excel_error_cells_are_named_not_read_as_missing(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from biochemml.io.tables import label_column

    book = openpyxl.Workbook()  # a failed formula: Excel shows #DIV/0! or #N/A in the cell
    sheet = book.active
    sheet.append(["id", "sequence", "gfp", "batch"])
    sheet.append([None, "ACGT", 1.0, "b1"])
    sheet.append([None, "GGCC", "#DIV/0!", "b1"])
    sheet.append([None, "#N/A", 2.0, "#REF!"])
    for cell in ("C3", "B4", "D4"):
        sheet[cell].data_type = "e"
    book.save(tmp_path / "e.xlsx")
    df = read_table(tmp_path / "e.xlsx")
    assert df["gfp"].tolist()[1] == "#DIV/0!" and df["id"].isna().all()
    # a missing value may be left out on purpose; a failed formula is still an error
    with pytest.raises(InputError, match=r"row 3, column 'gfp': the cell shows the Excel error "
                                         r"#DIV/0!: its formula failed"):
        numeric_column(df, "gfp", allow_missing=True)
    with pytest.raises(InputError, match=r"row 4, column 'sequence'.*Excel error #N/A"):
        sequence_column(df, "sequence")
    with pytest.raises(InputError, match=r"row 4, column 'batch': the cell shows the Excel "
                                         r"error #REF!, not a group"):
        label_column(df, "batch")
    # a text cell that only reads like an error, and pandas' own missing markers, are unchanged
    pd.DataFrame({"sequence": ["ACGT", "GGCC"], "gfp": [1.0, None]}).to_excel(
        tmp_path / "m.xlsx", index=False)
    assert np.isnan(numeric_column(read_table(tmp_path / "m.xlsx"), "gfp",
                                   allow_missing=True)[1])


@pytest.mark.parametrize("title", ["Experiment 12 GFP", "# exported by plate reader"])
def test_a_title_line_without_a_separator_still_points_at_the_header(tmp_path, title):
    path = tmp_path / "t.csv"
    path.write_text(f"{title}\nsequence,gfp\nACGT,1.0\nGGCC,2.0\n")
    with pytest.raises(InputError, match=r"'sequence' is written in row 2: the column names "
                                         r"must be the first row"):
        sequence_column(read_table(path), "sequence")


@pytest.mark.parametrize("unit", ["nt", "5'->3'", "aa"])
def test_a_units_row_under_a_sequence_header_is_not_a_sequence(tmp_path, unit):
    path = tmp_path / "new.csv"
    path.write_text(f"name,utr\n,{unit}\nv1,ACGTACGTAC\nv2,GGCCGGCCAA\nv3,TTAATTAACC\n")
    with pytest.raises(InputError, match=r"row 2, column 'utr': '.*' looks like a unit written "
                                         r"under the header, not a sequence"):
        sequence_column(read_table(path), "utr")
    path.write_text("name,utr\nv0,NT\nv1,AC\nv2,GG\n")  # short sequences: NT is one of them
    assert sequence_column(read_table(path), "utr") == ["NT", "AC", "GG"]


def test_a_sequence_mixing_t_and_u_is_refused(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("seq,v\nACGTACGT,1\nACGUACGT,2\nACGUACGU,3\n")
    with pytest.raises(InputError, match=r"row 3, column 'seq': the sequence holds both T and U"):
        sequence_column(read_table(path), "seq")
    path.write_text("seq,v\nACGUACGU,1\nACGTACGT,2\n")  # RNA and DNA rows, each whole
    assert sequence_column(read_table(path), "seq") == ["ACGUACGU", "ACGTACGT"]


def test_fasta_records_of_one_name_are_pointed_out(tmp_path, capsys):
    path = tmp_path / "v.fa"
    path.write_text(">v1 1.0\nACGT\n>v2 2.0\nGGCC\n>v1 3.0\nTTAA\n>v4 0.5\nCCCC\n")
    df = read_fasta(path)
    assert df["id"].tolist() == ["v1", "v2", "v1", "v4"] and df["value"].tolist()[2] == 3.0
    said = " ".join(capsys.readouterr().err.split())
    assert "records 1 and 3 are both named 'v1'; outputs list them under the same name" in said
    path.write_text(">v1 1.0\nACGT\n>v2 2.0\nGGCC\n")
    read_fasta(path)
    assert "named" not in capsys.readouterr().err


def test_fasta_header_fields_join_around_equals_only_with_both_sides():
    from biochemml.io.tables import _header_fields

    assert _header_fields("s1 gfp = 3.2 rep= 1 od =0.5 7") == ["s1", "gfp=3.2", "rep=1",
                                                               "od=0.5", "7"]
    assert _header_fields("s1 tissue= gfp=3.2") == ["s1", "tissue=", "gfp=3.2"]
    assert _header_fields("s2 = 3") == ["s2", "=", "3"]  # the name is never joined


def test_a_large_fasta_is_read_line_by_line_and_a_late_windows_byte_is_handled(tmp_path):
    path = tmp_path / "big.fasta"
    body = "".join(f">s{i} {i}\nACGT\n" for i in range(20_000))
    path.write_bytes((body + ">last 37°C\nGGCC\n").encode("cp1252"))  # after 100 kB of ASCII
    df = read_fasta(path)
    assert len(df) == 20_001 and df["value"].iloc[-1] == "37°C"


def test_excel_error_text_in_a_csv_is_named_too(tmp_path):
    path = tmp_path / "saved.csv"  # a sheet saved as CSV writes what the failed cell shows
    path.write_text("sequence,gfp,note\nACGT,1.0,NA\nGGCC,#N/A,\nTTAA,2.0,n/a\n")
    df = read_table(path)
    with pytest.raises(InputError, match=r"row 3, column 'gfp': the cell shows the Excel error "
                                         r"#N/A: its formula failed"):
        numeric_column(df, "gfp", allow_missing=True)
    assert df["note"].isna().all()  # the usual words for missing stay missing
