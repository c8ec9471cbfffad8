"""Read the tables users bring: CSV, TSV, Parquet, Excel and FASTA (optionally with values).

All user-file validation lives here, so every command reports a bad file the same way:
the file, the row as a spreadsheet numbers it (header = row 1, first data row = 2 for
text tables), the column, and what was expected.
"""
from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError

FASTA_SUFFIXES = {".fa", ".fasta", ".fna", ".faa", ".fas"}
#: the kind of content each file ending names (read_table reads it so; its content is
#: checked against it)
SUFFIX_KIND = {**{s: "text" for s in (".csv", ".tsv", ".txt", ".tab")},
               ".parquet": "parquet", ".pq": "parquet", ".xlsx": "excel", ".xls": "excel",
               **{s: "fasta" for s in FASTA_SUFFIXES}}
TABLE_SUFFIXES = {s for s, kind in SUFFIX_KIND.items() if kind != "fasta"}


def read_table(path, columns=None) -> pd.DataFrame:
    """Read a CSV/TSV/Parquet/Excel/FASTA file into a DataFrame.

    Parameters
    ----------
    path : str or Path
        The file. The format follows the suffix (``.gz`` is allowed on text files).
        FASTA gives columns ``id``, ``sequence`` and, for headers written as
        ``>name value`` or ``>name key=value ...``, one column per value.
    columns : list of str, optional
        Columns that must be present; a missing one is an error listing the columns
        the file has.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    biochemml.errors.InputError
        The file is missing, unreadable, of an unknown format, empty, lacks a column,
        names a column twice in its header (CSV, TSV, Excel), or is an Excel file while
        the package that reads it (openpyxl; xlrd for ``.xls``) is not installed; or
        ``path`` is no file name (a pandas Series, a list).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"expected a table: a file path or a pandas DataFrame (with the "
                         f"sequences and values as columns), not a {type(path).__name__}")
    path = Path(path)
    if not path.exists():
        raise InputError("the file does not exist", path=path)
    if path.is_dir():
        raise InputError("expected a table file, not a folder", path=path)
    suffixes = [s.lower() for s in path.suffixes]
    suffix = suffixes[-2] if suffixes and suffixes[-1] == ".gz" and len(suffixes) > 1 else (
        suffixes[-1] if suffixes else "")
    kind = SUFFIX_KIND.get(suffix)
    _check_content(path, suffix, kind)
    try:
        if kind == "fasta":
            df = read_fasta(path)
        elif kind == "text":
            df = _read_text(path, "," if suffix == ".csv" else "\t")
        elif kind == "parquet":
            df = pd.read_parquet(path)
        elif kind == "excel":
            with pd.ExcelFile(path) as book:
                df = book.parse(book.sheet_names[0])
                if suffix == ".xlsx":
                    df = _excel_errors_back(df, path)
                _check_header(book.parse(book.sheet_names[0], header=None, nrows=1, dtype=str),
                              path)
                if len(book.sheet_names) > 1:  # the others are not read: say so
                    from rich.markup import escape

                    from ..progress import say

                    say(escape(f"{path}: read the first sheet, '{book.sheet_names[0]}', of "
                        f"{len(book.sheet_names)} ({', '.join(repr(n) for n in book.sheet_names)}); "
                        "to use another, move it first or save it as CSV"))
            df.columns = [c.strip() if isinstance(c, str) else c for c in df.columns]
            df = _drop_empty_rows(df, path)
            _check_second_header_row(df, path)
            df.attrs["sheets"] = list(book.sheet_names)  # for the missing-column hint
        else:
            raise InputError(
                f"unknown file type '{suffix or path.name}': expected one of "
                f"{', '.join(sorted(TABLE_SUFFIXES | FASTA_SUFFIXES))}", path=path)
    except InputError:
        raise
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty", path=path) from None
    except ImportError as err:
        if suffix not in (".xlsx", ".xls"):
            raise InputError(f"could not be read as a {suffix.lstrip('.')} table ({err})",
                             path=path) from None
        package = "xlrd" if suffix == ".xls" else "openpyxl"
        raise InputError(f"reading {suffix} files needs the Python package {package}, which "
                         f"is not installed: run 'pip install {package}' (or save the sheet "
                         "as CSV)", path=path) from None
    except (UnicodeDecodeError, pd.errors.ParserError, OSError, ValueError, ImportError) as err:
        fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(err))
        if fields:
            raise InputError(_extra_fields(path, *map(int, fields.groups())), path=path) from None
        raise InputError(f"could not be read as a {suffix.lstrip('.')} table "
                         f"({str(err).strip()})", path=path) from None
    except (zipfile.BadZipFile, KeyError):  # a workbook is a zip of known parts
        if kind != "excel":
            raise
        raise InputError("is not a complete Excel workbook (cut short by a copy or a "
                         "download, or not a workbook at all): open it in Excel and save it "
                         "again, or save the sheet as CSV", path=path) from None
    if len(df) == 0:
        raise InputError("the table has no rows", path=path)
    df.attrs["path"] = str(path)
    df.attrs["format"] = "fasta" if suffix in FASTA_SUFFIXES else suffix.lstrip(".")
    df.attrs["first_row"] = df.attrs.get("first_row") or (
        2 if suffix not in FASTA_SUFFIXES | {".parquet", ".pq"} else 1)
    if columns:
        require_columns(df, columns, path=path)
    return df


#: cells of a text table read as missing: pandas' own list without Excel's #N/A, which a
#: saved sheet writes where a formula failed (named as such, not taken as "not measured")
TEXT_MISSING = ["", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
                "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]


#: text encodings tried in turn: UTF-8 (with or without a byte-order mark), then the
#: Windows encoding Excel's plain "CSV" writes (µ, °, ä as single bytes)
TEXT_ENCODINGS = ("utf-8", "cp1252")


#: what each kind of content is called, and the file endings that read it
_KINDS = {"excel": ("an Excel workbook", ".xlsx"), "parquet": ("a Parquet file", ".parquet"),
          "fasta": ("a FASTA file", ".fasta"), "text": ("a text table (CSV or TSV)", ".csv")}


def _content_kind(path: Path) -> str | None:
    """What the first bytes of ``path`` show: ``excel`` (a zip: .xlsx), ``ole`` (an OLE2
    file: the old .xls, or an encrypted .xlsx), ``parquet``, ``fasta`` (the first line
    that is not blank starts with '>'), ``text`` (a first line with commas, tabs or
    semicolons), ``binary`` (control bytes no text table holds); None for compressed or
    unknown content (then the ending decides)."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        return "excel"  # .xlsx is a zip
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # the old .xls, or an encrypted (password-protected) .xlsx
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\x1f\x8b") or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None  # gzip, or UTF-16 text (Excel's "Unicode Text"): the ending decides
    control = sum(b < 9 or 13 < b < 32 for b in head)  # not in any text table
    if head and control > 0.05 * len(head):
        return "binary"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start[:1] == b">":
        return "fasta"
    header = start.split(b"\n", 1)[0]
    return "text" if any(sep in header for sep in (b",", b"\t", b";")) else None


def _check_content(path: Path, suffix: str, expected: str | None) -> None:
    """Refuse a file whose content is of another kind than its ending says (a CSV saved
    as .xlsx, a FASTA file named .csv), saying what it looks like and the ending to give;
    ``expected`` is the kind its ending ``suffix`` names (:data:`SUFFIX_KIND`)."""
    if path.name.startswith("~$"):
        raise InputError(f"is Excel's lock file for an open workbook, not the workbook: "
                         f"choose {path.name[2:]} (close it in Excel first if it will not "
                         "read)", path=path)
    found = _content_kind(path)
    if found == "binary":
        raise InputError("is not a table: its content is binary data that is neither an "
                         "Excel workbook nor a Parquet file (a damaged copy, or another kind "
                         "of file)", path=path)
    if found == "ole":  # an Excel file of the old kind, as .xls is
        if suffix == ".xlsx":  # encrypted, or an old .xls renamed
            raise InputError("is a password-protected workbook (or an old .xls renamed "
                             ".xlsx): remove the password in Excel (File > Info > Protect "
                             "Workbook) and save it again, or save the sheet as CSV", path=path)
        found = "excel"
    if expected is None or found is None or found == expected:
        return
    if {expected, found} == {"fasta", "text"} and expected == "fasta":
        return  # a FASTA file with text before its first header: read_fasta says so
    what, ending = _KINDS[found]
    raise InputError(f"ends in '{suffix}' but looks like {what}: rename it to "
                     f"{path.stem}{ending} (or save it again in the format its ending "
                     "names)", path=path)


def _read_text(path: Path, sep: str) -> pd.DataFrame:
    """Read a CSV/TSV file as a spreadsheet program writes it.

    The separator is ``sep`` unless the header holds none of it but semicolons or
    tabs (a semicolon CSV of a European Excel reads with decimal commas, ``1,5`` = 1.5; in
    a tab-separated file whose cells write them, :func:`_writes_decimal_commas`, the columns
    read as numbers take them so).
    UTF-8 and Windows (cp1252) text are read; column names lose surrounding blanks; a
    header naming a column twice is an error. In a table of several columns blank lines
    stay rows, so rows keep their file numbers (``attrs["first_row"]``, 2 unless blank
    lines come before the header), and :func:`_drop_empty_rows` handles the empty ones;
    in a table of one column an empty line is a missing value.
    """
    encodings = _encodings(path)
    for encoding in encodings:
        try:
            sep, skip, several = _sniff(path, sep, encoding)
            options = {"sep": sep, "encoding": encoding, "decimal": "," if sep == ";" else ".",
                       "skiprows": skip, "keep_default_na": False, "na_values": TEXT_MISSING}
            df = pd.read_csv(path, skip_blank_lines=False, **options)
            if sep == "\t" and _writes_decimal_commas(df):  # a European "Text (Tab)" export
                # cells stay as written: a column read as numbers (numeric_column) takes
                # '31,78' as 31.78, while a text column ('12,45' positions) stays text
                options["decimal"] = ","
            _check_header(pd.read_csv(path, header=None, nrows=1, dtype=str, **options), path)
            break
        except UnicodeDecodeError:
            if encoding == encodings[-1]:
                raise InputError("is neither UTF-8 nor Windows text: save it again as "
                                 "'CSV UTF-8'", path=path) from None
    df.columns = [c.strip() if isinstance(c, str) else c for c in df.columns]
    if several:
        df = _drop_empty_rows(df, path, first_row=skip + 2)
    else:
        df = _drop_blank_lines_at_end(df, path, options, skip)
    df.attrs["first_row"] = skip + 2
    df.attrs["decimal"] = options["decimal"]  # numeric_column reads text cells the same way
    _check_second_header_row(df, path)
    return df


#: a cell only a decimal comma explains: '31,78', '-0,5', '0,1234' (not '3,353', which a
#: thousands comma could have written)
_ONLY_DECIMAL_COMMA = r"\s*[-+]?\d+,(\d{1,2}|\d{4,})\s*"


def _writes_decimal_commas(df: pd.DataFrame) -> bool:
    """True when a table read with a decimal point has text cells that only a decimal
    comma explains (``31,78``) and no number written with a decimal point: a tab-separated
    export of a European spreadsheet."""
    found = False
    for column in df.columns:
        raw = df[column]
        if pd.api.types.is_float_dtype(raw) and np.any(np.isfinite(raw) & (raw % 1 != 0)):
            return False  # '3.45' read as a number: this file writes decimal points
        if pd.api.types.is_numeric_dtype(raw):
            continue
        strings = raw[raw.map(lambda v: isinstance(v, str))].astype(str)
        if strings.str.fullmatch(_DOT_NUMBER).any():
            return False
        found = found or bool(strings.str.fullmatch(_ONLY_DECIMAL_COMMA).any())
    return found


def _encodings(path: Path) -> tuple:
    """The text encodings to try on ``path``: UTF-16 when it starts with its byte-order
    mark (Excel's "Unicode Text"), else :data:`TEXT_ENCODINGS`; binary data is an error."""
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as handle:
        start = handle.read(4096)
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return ("utf-16",)
    if b"\x00" in start:
        raise InputError(f"could not be read as a {path.suffix.lstrip('.')} table: it holds "
                         "binary data, not text", path=path)
    return TEXT_ENCODINGS


def _read_lines(path: Path, read):
    """``read(lines)`` over the lines of a text file (gzipped when it ends in .gz), read
    one at a time in the first of :func:`_encodings` that decodes the whole file (a
    UTF-8 byte-order mark is dropped); ``read`` starts again with the next encoding when a
    later line does not decode."""
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    encodings = _encodings(path)
    for encoding in encodings:
        try:
            with opener(path, "rt", encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                        newline=None) as handle:
                return read(line.rstrip("\n") for line in handle)
        except UnicodeDecodeError:
            if encoding == encodings[-1]:
                names = " nor ".join("UTF-8" if e == "utf-8" else "Windows" if e == "cp1252"
                                     else e.upper() for e in encodings)
                raise InputError(f"is not {names} text: save it again as UTF-8 text",
                                 path=path) from None
    raise AssertionError("unreachable: the last encoding returns or raises")


def _sniff(path: Path, sep: str, encoding: str) -> tuple[str, int, bool]:
    """The separator, the number of blank lines above the header, and whether the header
    names several columns.

    The separator is ``sep``, or the comma, semicolon or tab the header holds when it
    holds no ``sep``.
    """
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    skip, header = 0, ""
    with opener(path, "rt", encoding=encoding, newline="") as handle:
        for line in handle:
            if line.strip("\ufeff \t\r\n"):
                header = line
                break
            skip += 1
    header = re.sub(r'"[^"]*"', "", header.lstrip("\ufeff"))  # quoted names may hold any
    if sep in header:
        return sep, skip, True
    counts = {c: header.count(c) for c in (",", "\t", ";") if c != sep}
    best = max(counts, key=counts.get)
    return (best, skip, True) if counts[best] else (sep, skip, False)


def _drop_blank_lines_at_end(df: pd.DataFrame, path, options: dict, skip: int) -> pd.DataFrame:
    """A table of one column read with its blank lines: a blank line between values is a
    missing value, kept at its file row (an empty protein variant is the wild type); blank
    lines after the last value are dropped. ``""`` is a value written empty, kept. Where
    the lines cannot be matched with the rows (a quoted line break), blank lines are
    skipped, so rows after one are numbered as if it were not there."""
    import gzip

    opener = gzip.open if Path(path).suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding=options["encoding"], newline="") as handle:
        lines = handle.read().splitlines()[skip + 1:]
    if len(lines) != len(df):
        again = pd.read_csv(path, skip_blank_lines=True, **options)
        again.columns = list(df.columns)  # the names as read_table cleaned them
        return again
    written = np.flatnonzero([bool(line.strip()) for line in lines])
    return df.iloc[:written[-1] + 1 if written.size else 0]


def _drop_empty_rows(df: pd.DataFrame, path, first_row: int = 2) -> pd.DataFrame:
    """Drop the empty rows at the end of a table; refuse one between data rows.

    Spreadsheets leave empty rows (blank lines or ``,,``) after the data; between data
    rows an empty row would shift the row numbers every later error names.
    ``first_row`` is the file row of ``df``'s first row.
    """
    empty = df.isna().all(axis=1).to_numpy()
    if not empty.any():
        return df
    filled = np.flatnonzero(~empty)
    end = filled[-1] + 1 if filled.size else 0
    inside = np.flatnonzero(empty[:end])
    if inside.size:
        more = f" ({inside.size} empty rows in all)" if inside.size > 1 else ""
        unnamed = sum(str(c).startswith("Unnamed:") for c in df.columns)
        if len(df.columns) > 1 and unnamed >= len(df.columns) / 2:
            raise InputError("the row is empty and the first row looks like a title, not "
                             "column names: the column names must be the first row; delete "
                             "the rows above them", path=path, row=int(inside[0]) + first_row - 1)
        raise InputError(f"the row is empty{more}: delete the empty rows between data rows",
                         path=path, row=int(inside[0]) + first_row - 1)
    return df.iloc[:end]


#: the values Excel shows in a cell whose formula failed
EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA"})


def _excel_errors_back(df: pd.DataFrame, path) -> pd.DataFrame:
    """Put the error cells of the first sheet of an ``.xlsx`` (``#DIV/0!``, ``#N/A``) back
    into ``df``, which pandas read as empty: a failed formula is not a value left out on
    purpose, so a column that needs the cell says so instead of dropping the row.

    ``df`` is the sheet as ``pandas.ExcelFile.parse`` read it (header in row 1, every row
    and column from A kept). Only a table with empty cells is opened a second time.
    """
    if not df.isna().to_numpy().any():
        return df
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        errors = [(cell.row, cell.column, cell.value)
                  for row in book.worksheets[0].iter_rows(min_row=2)
                  for cell in row if getattr(cell, "data_type", None) == "e"]
    finally:
        book.close()
    if not errors:
        return df
    df = df.astype({df.columns[c - 1]: object for _, c, _ in errors if c - 1 < df.shape[1]})
    for r, c, value in errors:
        if r - 2 < len(df) and c - 1 < df.shape[1]:
            df.iat[r - 2, c - 1] = str(value)
    return df


def _check_header(first_row: pd.DataFrame, path) -> None:
    """Refuse a header that names a column twice (pandas would silently rename it 'x.1')."""
    if first_row.empty:
        return
    names = [None if pd.isna(v) else str(v).strip() for v in first_row.iloc[0].tolist()]
    seen: dict[str, list[int]] = {}
    for number, name in enumerate(names, start=1):
        if name:
            seen.setdefault(name, []).append(number)
    for name, numbers in seen.items():
        if len(numbers) > 1:
            times = "twice" if len(numbers) == 2 else f"{len(numbers)} times"
            where = ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
            raise InputError(f"column '{name}' appears {times} (columns {where}); give each "
                             "column its own name", path=path)


def _check_second_header_row(df: pd.DataFrame, path) -> None:
    """Refuse column names written over two rows (a merged ``GFP`` above ``rep1``, ``rep2``).

    pandas reads the first row as the names (a blank one becomes ``Unnamed: 2``) and the
    second as data, whose words then fail as numbers or sequences one row later. The sign:
    the header has a blank name, and the first data row holds a word in a column whose
    other cells are all numbers. A first data row of words only is the header itself, below
    a title line, which the missing-column error points at instead.
    """
    blank = [str(c).startswith("Unnamed: ") for c in df.columns]
    if not any(blank) or len(df) < 3:
        return
    first = df.iloc[0]
    # every column as numbers, cells read as the file writes them (decimal commas)
    numeric = [pd.to_numeric(numbers_as_written(df, col), errors="coerce") for col in df.columns]
    if first.notna().all() and all(np.isnan(v.iloc[0]) for v in numeric):
        return  # a full row of names under a title: _header_below_hint points at it
    words = []
    for k, col in enumerate(df.columns):
        cell, rest = first.iloc[k], df.iloc[1:, k].notna().to_numpy()
        if not isinstance(cell, str) or not cell.strip() or rest.sum() < 2:
            continue
        if np.isnan(numeric[k].iloc[0]) and numeric[k].iloc[1:][rest].notna().all():
            words.append(k)
    # the second row names a column the first left blank (rep2 under a merged GFP): a word
    # under a named column alone is a bad value ('n.d.'), which its own error names
    if not any(blank[k] for k in words):
        return
    top, names = None, []
    for k, col in enumerate(df.columns):
        top = top if blank[k] else str(col)  # a merged name covers the blank ones after it
        below = first.iloc[k]
        below = str(below).strip() if isinstance(below, str) and below.strip() else ""
        names.append(f"{top}_{below}" if top and below and top != below else (top or below))
    header = df.attrs.get("first_row", 2) - 1
    shown = ["(blank)" if b else str(c) for c, b in zip(df.columns, blank)]
    second = ["(blank)" if pd.isna(v) or not str(v).strip() else str(v).strip()
              for v in first.tolist()]
    suggest = ", ".join(names[k] for k in words[:4]) + (", ..." if len(words) > 4 else "")
    raise InputError(
        f"the column names seem to take two rows (row {header}: {', '.join(shown[:6])}"
        f"{', ...' if len(shown) > 6 else ''}; row {header + 1}: {', '.join(second[:6])}"
        f"{', ...' if len(second) > 6 else ''}), as merged header cells do: biochemml reads "
        f"one row of names. Write one name per column in row {header} (such as {suggest}) "
        f"and delete row {header + 1}", path=path)


def _header_fields(text: str) -> list[str]:
    """A FASTA header's fields: the record's name, then its values, with ``gfp = 3.2``,
    ``gfp= 3.2`` and ``gfp =3.2`` joined into ``gfp=3.2`` where both sides are there
    (``tissue= gfp=3.2`` stays two fields: an empty ``tissue`` and ``gfp``)."""
    tokens = text.split()
    out = tokens[:1]
    k = 1
    while k < len(tokens):
        t = tokens[k]
        following = tokens[k + 1] if k + 1 < len(tokens) else None
        bare = len(out) > 1 and "=" not in out[-1]  # a value of the header, not its name
        if t == "=" and bare and following is not None and "=" not in following:
            out[-1] += "=" + following
            k += 2
        elif t.endswith("=") and t.count("=") == 1 and len(t) > 1 and following is not None \
                and "=" not in following:
            out.append(t + following)
            k += 2
        elif t.startswith("=") and t.count("=") == 1 and len(t) > 1 and bare:
            out[-1] += t
            k += 1
        else:
            out.append(t)
            k += 1
    return out


def read_fasta(path) -> pd.DataFrame:
    """Read a FASTA file into a DataFrame with ``id``, ``sequence`` and header values.

    A header ``>seq1 3.2`` gives a column ``value`` (a second bare value ``value2``, ...);
    ``>seq1 gfp=3.2 rep=1`` (or ``gfp = 3.2``) gives columns ``gfp`` and ``rep``. Values that
    parse as numbers become numbers. Blanks inside sequence lines are dropped, as Biopython
    does. A header giving one name twice (``id=``, the record's
    name, included) is refused.
    """
    path = Path(path)

    def parse(lines) -> list[dict]:
        records: list[dict] = []
        seq_parts: list[str] = []
        for line_no, line in enumerate(lines, start=1):
            line = line.strip()
            if not line:
                continue
            if line.startswith(">"):
                if records:
                    records[-1]["sequence"] = "".join(seq_parts)
                seq_parts = []
                fields = _header_fields(line[1:])
                if not fields:
                    raise InputError(f"line {line_no}: a FASTA header without a name", path=path)
                rec = {"id": fields[0]}
                positional = 0
                for field in fields[1:]:
                    if "=" in field:
                        key, val = field.split("=", 1)
                    else:  # the first bare value is 'value', the next 'value2', ...
                        positional += 1
                        key, val = ("value" if positional == 1 else f"value{positional}"), field
                    if key in rec:
                        what = ("the record's name" if key == "id" else f"the value '{key}' "
                                "given earlier in the header")
                        raise InputError(f"line {line_no}: the header gives '{key}' twice: "
                                         f"'{key}={val}' would replace {what}; rename one",
                                         path=path)
                    if key == "sequence":
                        raise InputError(f"line {line_no}: a header value is named 'sequence', "
                                         "the column of the record's letters; rename it",
                                         path=path)
                    rec[key] = val
                records.append(rec)
            elif not records:
                raise InputError(f"line {line_no}: sequence before the first '>' header; "
                                 "is this a FASTA file?", path=path)
            else:  # blanks inside a line (blocks of 10 as GenBank and ApE show them) are layout
                seq_parts.append("".join(line.split()))
        if not records:
            raise InputError("no FASTA records found", path=path)
        records[-1]["sequence"] = "".join(seq_parts)
        return records

    records = _read_lines(path, parse)
    df = pd.DataFrame(records)
    repeated = df["id"][df["id"].duplicated(keep=False)]
    if len(repeated):  # legal FASTA, but every output names both records alike
        from rich.markup import escape

        from ..progress import say

        name = repeated.iloc[0]
        numbers = [int(i) + 1 for i in repeated.index[repeated == name][:2]]
        more = repeated.nunique() - 1
        say(escape(f"{path}: records {numbers[0]} and {numbers[1]} are both named '{name}'"
                   + (f" ({more} more names repeat)" if more else "")
                   + "; outputs list them under the same name: rename one to tell them apart"))
    for col in df.columns:
        if col not in ("id", "sequence"):
            converted = pd.to_numeric(df[col], errors="coerce")
            if (converted.notna() | df[col].isna()).all():  # records without it stay NaN
                df[col] = converted
    return df


def file_rows(df, index) -> np.ndarray:
    """File rows (as a spreadsheet counts them) of 0-based positions ``index`` in ``df``."""
    first = df.attrs.get("first_row", 1) if isinstance(df, pd.DataFrame) else 1
    return np.asarray(index, dtype=int) + first


def rows_text(df: pd.DataFrame, index, limit: int = 5) -> str:
    """``row 8`` or ``rows 8, 12, 40, ...``: file rows (as a spreadsheet counts) of ``index``;
    ``record 5`` for a FASTA file, as its errors count them; ``index 20`` (the index labels)
    for a DataFrame given in Python, which has no file rows."""
    index = np.asarray(index, dtype=int)
    more = ", ..." if len(index) > limit else ""
    if isinstance(df, pd.DataFrame) and df.attrs.get("path") is None:
        labels = [str(r) for r in df.index[index[:limit]]]
        return "index " + ", ".join(labels) + more
    rows = [str(r) for r in file_rows(df, index[:limit])]
    word = "record" if isinstance(df, pd.DataFrame) and df.attrs.get("format") == "fasta" \
        else "row"
    return word + (" " if len(index) == 1 else "s ") + ", ".join(rows) + more


def _file_row(df: pd.DataFrame, i: int) -> int:
    """0-based index into ``df`` -> the 0-based row number InputError shows (+1) for the file."""
    return i + df.attrs.get("first_row", 1) - 1


def row_error(message: str, df: pd.DataFrame, i: int, column=None) -> InputError:
    """An InputError about the ``i``-th row (0-based) of a table read by :func:`read_table`.

    Parameters
    ----------
    message : str
        What is wrong, as a sentence.
    df : pandas.DataFrame
        The table; its ``attrs`` name the file and how its rows are numbered.
    i : int or None
        The 0-based position of the row in ``df``; None when the error is about the
        column as a whole (the message then names the file and the column only).
    column : str, optional
        The column of the cell.

    Returns
    -------
    biochemml.errors.InputError
        For a text table or Parquet file it names the file's row (``row 4``); for a FASTA
        file the record and the line of its header (``record 301 (line 601)``), which a
        text editor shows; for a DataFrame given in Python with its own index, the row's
        index label (``row with index 'wt'``). Its ``row`` is the 0-based position.
    """
    path = df.attrs.get("path")
    if i is None:
        return InputError(message, path=path, column=column)
    row = _file_row(df, i)
    if path is None and not df.index.equals(pd.RangeIndex(len(df))):
        label = df.index[i]
        label = repr(label) if isinstance(label, str) else str(label)
        where = f"row with index {label}" + ("" if column is None
                                              else f", column '{column}'")
        return located_error(f"{where}: {message}", message, path, row, column)
    if path is None or df.attrs.get("format") != "fasta":
        return InputError(message, path=path, row=row, column=column)
    line = _fasta_record_line(path, i)
    where = f"file {path}, record {i + 1}" + ("" if line is None else f" (line {line})")
    if column is not None:
        where += f", column '{column}'"
    return located_error(f"{where}: {message}", message, path, row, column)


def located_error(text: str, message: str, path=None, row=None, column=None) -> InputError:
    """An :class:`InputError` whose text is ``text`` (naming a FASTA record and line, or a
    DataFrame's index label, where InputError would say a row), with ``message``, ``path``,
    ``row`` (0-based) and ``column`` as attributes, as every InputError has them."""
    err = InputError(message, path=path, row=row, column=column)
    err.args = (text,)
    return err


def _fasta_record_line(path, i: int):
    """The line number (1-based) of the header of FASTA record ``i`` (0-based) in ``path``,
    or None when the file cannot be read again or has fewer records."""
    def find(lines):
        record = -1
        for line_no, line in enumerate(lines, start=1):
            if line.strip().startswith(">"):
                record += 1
                if record == i:
                    return line_no
        return None

    try:
        return _read_lines(Path(path), find)
    except (OSError, InputError):
        return None


def require_columns(df: pd.DataFrame, columns, path=None, what: str = "",
                    hint: str = "") -> None:
    """Raise an InputError naming the first of ``columns`` that ``df`` lacks.

    ``what`` follows the column's name (``", the sequence column the model was trained
    on"``), ``hint`` ends the message (``". Name it with --sequence-column"``).
    """
    path = path if path is not None else df.attrs.get("path")
    extra = hint
    for col in columns:
        if col not in df.columns:
            hint = ""
            if df.attrs.get("format") in ("xlsx", "xls"):
                hint = _sheets_hint(df.attrs.get("sheets", []))
            if df.attrs.get("format") == "fasta":
                hint = (". A FASTA file carries values in its headers: '>seq1 "
                        f"{col}=0.53' gives a column '{col}' ('>seq1 0.53' a column 'value'); "
                        "its sequences are in the column 'sequence'" + fasta_pipe_hint(df))
            raise InputError(
                f"has no column '{col}'{what}; its columns are: "
                f"{', '.join(map(str, df.columns))}" + _did_you_mean(col, df.columns)
                + _header_below_hint(df, col) + hint + extra, path=path)


def fasta_pipe_hint(df: pd.DataFrame) -> str:
    """``. The record names end in a number after '|' ...``: for FASTA headers written
    ``>seq1|3.2``, whose value :func:`read_fasta` reads as part of the name; else empty."""
    if df.attrs.get("format") != "fasta" or "id" not in df.columns or not len(df):
        return ""
    last = df["id"].astype(str).str.rpartition("|")
    if not (last[1] == "|").all() or pd.to_numeric(last[2], errors="coerce").isna().any():
        return ""
    first = df["id"].iloc[0]
    name, _, value = str(first).rpartition("|")
    return (f". The record names end in a number after '|' ('{first}'): a value is read "
            f"only after a blank, so write '>{name} {value}' (a column 'value') or "
            f"'>{name} gfp={value}'")


def _header_below_hint(df: pd.DataFrame, name: str) -> str:
    """Where the column names sit a few rows down (a title row above the header)."""
    if df.attrs.get("format") == "fasta":
        return ""
    head = df.head(10)
    if not isinstance(head.index, pd.RangeIndex):  # pandas took the first field as an index
        head = head.reset_index()                  # (rows longer than a title line)
    head = head.astype(str).apply(lambda col: col.str.strip())
    if head.shape[1] == 1:  # a title line without a separator made the file one column
        fields = head.iloc[:, 0].str.split(r"\s*[,;\t]\s*", regex=True)
        head = pd.DataFrame({"cell": [name if name in f else "" for f in fields]})
    rows = np.flatnonzero((head == name).any(axis=1).to_numpy())
    if not rows.size:
        return ""
    return (f". '{name}' is written in row {_file_row(df, int(rows[0])) + 1}: the column "
            "names must be the first row; delete the rows above them (a title, a note)")


def _formula_hint(df: pd.DataFrame, column: str) -> str:
    """Why an Excel column reads as empty when its cells hold formulas: a workbook written
    by a script (openpyxl, some LIMS) stores no results, only the formulas."""
    if df.attrs.get("format") != "xlsx":
        return ""
    try:
        from openpyxl import load_workbook

        book = load_workbook(df.attrs["path"], read_only=True)
        try:
            rows = book.worksheets[0].iter_rows(max_row=50, values_only=True)
            header = [None if c is None else str(c).strip() for c in next(rows)]
            k = header.index(column)
            formulas = any(isinstance(r[k], str) and r[k].startswith("=")
                           for r in rows if k < len(r))
        finally:
            book.close()
    except Exception:  # noqa: BLE001 - only a hint: the error it adds to stands anyway
        return ""
    return (" but formulas, whose results were never saved (a workbook written by a script): "
            "open it in Excel and save it, or export it as CSV") if formulas else ""


def _sheets_hint(sheets: list) -> str:
    """Where a workbook of several sheets (``sheets``, as :func:`read_table` listed them)
    holds other sheets (only the first is read)."""
    if len(sheets) < 2:
        return ""
    return (". biochemml reads the first sheet of a workbook; this one has the sheets "
            + ", ".join(f"'{n}'" for n in sheets)
            + ": move the sheet of data first or save it as CSV")


def _did_you_mean(name: str, columns) -> str:
    """`` (did you mean 'utr'?)`` for a column spelled alike but for case, blanks or a typo,
    or named by a short form (``seq`` for ``sequence``, ``sequence`` for ``seq``).

    Parameters
    ----------
    name : str
        The name given.
    columns : iterable
        The names there are.

    Returns
    -------
    str
        The suggestion with a leading blank, or ``""`` when no name is close.
    """
    import difflib

    names = [str(c) for c in columns]
    if name != name.strip() and name.strip() in names:  # 'Sequence ' typed from a header
        return f" (did you mean '{name.strip()}', without the spaces around it?)"
    key = name.strip().lower()
    same = [c for c in names if c.strip().lower() == key]
    if same:
        return f" (did you mean '{same[0]}'?)"
    # one name the start of the other (seq / sequence; GFP / GFP_mean and GFP_sd: all of
    # them, so that the one meant is among them), then names spelled alike
    starts = [c for c in names if len(key) >= 3 and len(c.strip()) >= 3 and (
        c.strip().lower().startswith(key) or key.startswith(c.strip().lower()))]
    close = list(dict.fromkeys(starts + difflib.get_close_matches(name, names, n=1,
                                                                  cutoff=0.6)))[:3]
    if len(close) > 1:
        return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
    return f" (did you mean '{close[0]}'?)" if close else ""


def sequence_column(df: pd.DataFrame, column: str, alphabet="dna") -> list[str]:
    """Return a column of sequences as a list of upper-case strings, validated.

    Missing cells and symbols outside ``alphabet`` are errors naming the file row.
    """
    from ..encode.codes import PROTEIN_HINT, to_codes

    require_columns(df, [column])
    values = df[column]
    missing = np.flatnonzero(values.isna().to_numpy())
    if missing.size:
        raise row_error("the sequence is missing" + _units_row_above(df, column, missing),
                        df, int(missing[0]), column)
    seqs = [str(s).strip().upper() for s in values.tolist()]
    if _sequence_unit(seqs):
        raise row_error(f"'{str(values.iloc[0]).strip()}' looks like a unit written under the "
                        "header, not a sequence: put each unit in its column's name (e.g. "
                        f"'{column} ({str(values.iloc[0]).strip()})') and delete that row",
                        df, 0, column)
    try:
        to_codes(seqs, alphabet, pad="right")
    except InputError as err:
        hint = "" if err.row is None else _alphabet_hint(seqs[err.row], alphabet, seqs)
        message = err.message.replace(PROTEIN_HINT, "") if hint else err.message
        raise row_error(message + hint, df, err.row, column) from None
    from ..alphabets import MIXED_T_U, mixed_t_u

    mixed = mixed_t_u(seqs, alphabet)  # U reads as T: a mix is no sequence
    if mixed is not None:
        raise row_error(MIXED_T_U, df, mixed, column)
    return seqs


#: what a row of units under the header writes in a column of sequences
SEQUENCE_UNITS = {"NT", "BP", "AA", "NTS", "BASES", "DNA", "RNA", "SEQ", "SEQUENCE", "5'-3'",
                  "5'->3'", "5' TO 3'", "5'→3'", "(NT)", "[NT]", "(AA)", "[AA]"}


def _sequence_unit(seqs: list[str]) -> bool:
    """Whether the first of ``seqs`` (upper case) is a unit (``nt``, ``5'->3'``) above a
    column of real sequences: 'NT' reads as a 2-nt DNA sequence."""
    if len(seqs) < 3 or seqs[0] not in SEQUENCE_UNITS:
        return False
    if not seqs[0].isalpha():  # 5'->3': no sequence at all
        return True
    return float(np.median([len(s) for s in seqs[1:]])) >= 3 * len(seqs[0])


def _alphabet_hint(seq: str, alphabet, column: list | None = None) -> str:
    """What a sequence refused by ``alphabet`` seems to be instead: a protein (the whole
    column, or a stray row among DNA/RNA sequences of ``column``), or a number."""
    from ..alphabets import get_alphabet, looks_like_protein

    if seq in EXCEL_ERRORS:
        return (f". The cell shows the Excel error {seq}: its formula failed; mend the "
                "formula or delete the row")
    if re.fullmatch(r"[-+0-9.,E]+", seq):
        return ". This looks like a number: is it the column of sequences?"
    if get_alphabet(alphabet).name in ("dna", "rna") and looks_like_protein(seq) \
            and re.fullmatch("[A-Z*]+", seq):
        column = column or [seq]
        sample = column[:20000]
        proteins = sum(looks_like_protein(s) is not None for s in sample)
        if proteins * 2 < len(sample):  # one stray row: the table is nucleotides
            checked = " first" if len(sample) < len(column) else ""
            return (f". This row looks like a protein, but {len(sample) - proteins:,} of "
                    f"the{checked} {len(sample):,} sequences are "
                    f"{get_alphabet(alphabet).name.upper()}: check it, or remove it")
        return (". This looks like a protein: train with --alphabet protein (a model "
                "trained on DNA or RNA cannot read it)")
    return ""


def label_column(df: pd.DataFrame, column: str, what: str = "group") -> np.ndarray:
    """Return a column of names (groups, genes, libraries) as strings, shape (N,).

    An empty cell is an error naming its row: a missing group would otherwise become a
    group called "nan" and be scored or split as if it were real.
    """
    require_columns(df, [column])
    values = df[column]
    missing = np.flatnonzero(values.isna().to_numpy())
    if missing.size:
        raise row_error(f"the {what} is missing", df, int(missing[0]), column)
    names = values.astype(str).str.strip()
    failed = np.flatnonzero(names.isin(EXCEL_ERRORS).to_numpy())
    if failed.size:
        raise row_error(f"the cell shows the Excel error {names.iloc[failed[0]]}, not a "
                        f"{what}: its formula failed", df, int(failed[0]), column)
    return names.to_numpy()


def numeric_column(df: pd.DataFrame, column: str, allow_missing: bool = False) -> np.ndarray:
    """Return a column as float64, with an error naming the first non-numeric or NaN cell.

    ``allow_missing``: empty cells (blanks only, ``NA`` and the like included) are NaN
    instead of an error; text that is not a number (``n.d.``, ``1,5`` in a decimal-point
    file) still is.
    """
    require_columns(df, [column])
    raw = df[column]
    values = pd.to_numeric(numbers_as_written(df, column), errors="coerce").to_numpy(
        dtype=np.float64)
    unusable = ~np.isfinite(values)
    if allow_missing:  # empty cells, and cells of blanks only, are not measured
        empty = raw.isna() | (raw.map(lambda v: isinstance(v, str) and not v.strip()))
        unusable &= ~empty.to_numpy(dtype=bool)
    bad = np.flatnonzero(unusable)
    if bad.size:
        if raw.isna().all():
            raise row_error("the column is empty: it holds no value" + _formula_hint(df, column),
                            df, None, column)
        empty = raw.isna().to_numpy()[bad]
        # a text cell ('n.d.', 'abc') first: it needs its own fix, an empty one is plain
        i = int(bad[~empty][0]) if (~empty).any() else int(bad[0])
        blank = bool(pd.isna(raw.iloc[i]))
        message = (f"the record's header gives no {column}= value" if blank and
                   df.attrs.get("format") == "fasta" else  # a header, not an empty cell
                   not_a_number(raw.iloc[i], blank=blank, column=raw,
                                decimal=df.attrs.get("decimal", "."))) \
            + units_row_hint(df, column, bad)
        if bad.size > 1:
            texts = int((~empty).sum())
            mixed = (f": {texts} not {'a number' if texts == 1 else 'numbers'}, "
                     f"{int(empty.sum())} empty" if empty.any() and texts else "")
            # a file's rows (a DataFrame from Python: the error names its first row only)
            named = f": {rows_text(df, bad)}" if df.attrs.get("path") is not None else ""
            message += f" ({bad.size} rows in all{mixed}{named})"
        if empty.any():
            message += "; remove the rows without a value, or fill them in"
        raise row_error(message, df, i, column)
    return values


#: a number of a decimal-comma file: '3,5', '-0,25', '1.234,5' (a dot separating thousands
#: only before a decimal comma)
_EUROPEAN_NUMBER = r"\s*[-+]?(\d{1,3}(\.\d{3})+|\d+),\d+\s*"
#: a number with a dot and no comma: '1.234' is 1234 or 1.234 in a decimal-comma file
_DOT_NUMBER = r"\s*[-+]?\d*\.\d+\s*"
#: of those, the ones a thousands dot could have written: '1.234', '12.345.678' ('7.0' and
#: '3.45' can only be decimals)
_DOT_THOUSANDS = r"\s*[-+]?[1-9]\d{0,2}(\.\d{3})+\s*"


def numbers_as_written(df: pd.DataFrame, column: str) -> pd.Series:
    """``df[column]`` with the text cells that its file writes as numbers made numbers,
    for ``pd.to_numeric``.

    In a decimal-comma table (a semicolon CSV) pandas keeps a whole column as text when one
    cell has a thousands dot (``1.234,5``), so every cell would look bad: those written
    ``3,5``, ``-0,25`` or ``1.234,5`` become numbers. A cell such as ``1.234`` could mean
    1234 or 1.234 there: it becomes NaN, so that the caller reports it (see
    :func:`not_a_number`) instead of reading it with a decimal point. A dot no thousands
    separator could have written (``7.0``, ``0.345``) is a decimal point, and so is every
    dot of a column that writes no decimal comma and holds such a dot (a semicolon CSV
    with decimal points, as Swiss Excel and plate readers write it). A column whose dotted
    cells could all be thousands (``1.234``, ``12.345``, beside ``987``) stays refused:
    counts written with thousands dots would otherwise read 1000 times too small. Other
    cells stay.
    """
    raw = df[column]
    if df.attrs.get("decimal") != "," or pd.api.types.is_numeric_dtype(raw):
        return raw
    text = raw.astype(object)
    is_text = text.map(lambda v: isinstance(v, str)).astype(bool)
    strings = text.where(is_text, "").astype(str)
    european = is_text & strings.str.fullmatch(_EUROPEAN_NUMBER)
    dotted = is_text & strings.str.fullmatch(_DOT_NUMBER)
    ambiguous = dotted & strings.str.fullmatch(_DOT_THOUSANDS)
    out = text.copy()
    out[european] = pd.to_numeric(strings[european].str.strip().str.replace(".", "", regex=False)
                                  .str.replace(",", ".", regex=False))
    if ambiguous.any() and not european.any() and (dotted & ~ambiguous).any():
        ambiguous[:] = False  # this column's dots are decimal points
    out[dotted & ~ambiguous] = pd.to_numeric(strings[dotted & ~ambiguous].str.strip())
    out[ambiguous] = np.nan
    return out


#: numbers written with commas: a decimal comma ('3,5'), a thousands separator
#: ('1,234,567'), or either ('3,353')
_COMMA_NUMBER = re.compile(r"\s*[-+]?\d*,\d+\s*")
_THOUSANDS = re.compile(r"\s*[-+]?[1-9]\d{0,2}(,\d{3})+\s*")


#: words that stand for a missing measurement, never for a unit
MISSING_WORDS = {"n.d.", "nd", "n.d", "na", "n/a", "nan", "none", "null", "-", "--", "?", "x",
                 "missing", "tbd", "bdl", "<lod", "lod", "n.a.", "blank", "empty", "failed"}


def _unit_like(value) -> bool:
    """Text that could be a unit (``°C``, ``g/L``, ``a.u.``): no digit, not a missing word."""
    return isinstance(value, str) and bool(value.strip()) and \
        not any(c.isdigit() for c in value) and value.strip().lower() not in MISSING_WORDS


def units_row_hint(df: pd.DataFrame, column, bad) -> str:
    """A clause for a numeric column whose only bad cell is unit-like text in its first row
    when another column, numeric below it, starts the same way: a row of units under the
    header, as spreadsheets often have; else ``""``."""
    raw = df[column]
    if len(bad) != 1 or bad[0] != 0 or len(raw) < 3 or not _unit_like(raw.iloc[0]):
        return ""
    if _unit_above_numbers(df, column) is None:
        return ""
    unit = raw.iloc[0].strip()
    if unit in str(raw.name):  # 'temperature (°C)' above '°C': the name says it already
        return "; the first row under the header looks like a row of units: delete that row"
    return ("; the first row under the header looks like a row of units: put each unit in its "
            f"column's name (e.g. '{raw.name} ({unit})') and delete that row")


def _units_row_above(df: pd.DataFrame, column, missing) -> str:
    """For a sequence column empty in its first row only: a clause when another column
    starts with a unit (``a.u.``) above numbers, a row of units under the header; else
    ``""``."""
    if len(missing) != 1 or missing[0] != 0 or len(df) < 3:
        return ""
    other = _unit_above_numbers(df, column)
    if other is None:
        return ""
    unit = df[other].iloc[0].strip()
    return ("; the first row under the header looks like a row of units "
            f"('{unit}' under '{other}'): put each unit in its column's name (e.g. "
            f"'{other} ({unit})') and delete that row")


def _extra_fields(path: Path, expected: int, line: int, saw: int) -> str:
    """The sentence for a row with more cells than the header (pandas' 'Expected 3 fields
    in line 5, saw 4'): most often a number written with a decimal comma, unquoted, in a
    comma-separated file."""
    text = _line_text(path, line)
    shown = f": {text[:70]}{'...' if len(text) > 70 else ''}" if text else ""
    comma = (re.search(r"(?<![\d.])\d+,\d+(?![\d.])", text)
             if text and text.count(",") + 1 == saw else None)  # commas separate its cells
    why = (f" A number written with a decimal comma ({comma.group(0)}) splits into two "
           f"cells: write {comma.group(0).replace(',', '.')}, or save the table with semicolons "
           "between cells (as European Excel does), which biochemml reads too"
           if comma else
           " A value holding a comma must be in double quotes (\"a, b\")")
    return (f"row {line} has {saw} cells where the header has {expected}{shown}.{why}")


def _line_text(path: Path, line: int) -> str:
    """Line ``line`` (1-based) of a text file, stripped, or ``""``."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    return text.strip()
    except OSError:
        pass
    return ""


def _unit_above_numbers(df: pd.DataFrame, column):
    """The first column other than ``column`` whose first cell is unit-like text above
    numbers only (a row of units under the header), or None."""
    for other in df.columns:
        if other == column or not _unit_like(df[other].iloc[0]):
            continue
        rest = pd.to_numeric(numbers_as_written(df, other).iloc[1:], errors="coerce")
        if rest.notna().all():
            return other
    return None


def read_csv_hint(value, path=None) -> str:
    """For a table given in Python whose cell holds a decimal-comma number (``'3,45'``):
    how to read such a file with pandas, else ``""``."""
    if path is not None or not isinstance(value, str) or not re.fullmatch(
            r"\s*[-+]?(\d{1,3}(\.\d{3})+|\d*),\d+\s*", value):
        return ""
    return ("; a file written with decimal commas reads with pandas.read_csv(path, sep=';', "
            "decimal=',')")


def not_a_number(value, blank: bool, column=None, decimal: str = ".") -> str:
    """The sentence for a cell that should hold a number: empty, or text (with the fix
    for a decimal comma or a thousands separator).

    ``'3,353'`` reads either way, so both readings are given, unless ``column`` (the cells
    of its column) holds a comma number that only a decimal comma explains (``'3,5'``).
    ``'1,234,567'`` can only be thousands. In a table whose ``decimal`` is a comma,
    ``'1.234'`` is named with both of its readings.
    """
    desc = ("is empty (a blank cell, or a word read as missing: NA, N/A, NaN, None, null)"
            if blank else f"is '{value}', not a number")
    if not isinstance(value, str) or blank:
        return f"the value {desc}"
    text = value.strip()
    if not text:
        return (f"the value is '{value}', spaces only (the cell looks empty): clear it or "
                "enter the number")
    if text in EXCEL_ERRORS:
        return (f"the cell shows the Excel error {text}: its formula failed. Mend the formula, "
                "or clear the cell if there is no value")
    if decimal == "," and re.fullmatch(_DOT_THOUSANDS, value):
        desc += (" (a dot may separate thousands in a table like this one, as European "
                 "Excel writes them: write "
                 f"{text.replace('.', '')} if it does, or {text.replace('.', ',')} for a decimal)")
    elif _THOUSANDS.fullmatch(value) and text.count(",") > 1:
        desc += f" (for a thousands separator, write {text.replace(',', '')})"
    elif _COMMA_NUMBER.fullmatch(value):
        ambiguous = _THOUSANDS.fullmatch(value) and not any(
            isinstance(v, str) and _COMMA_NUMBER.fullmatch(v) and not _THOUSANDS.fullmatch(v)
            for v in ([] if column is None else column))
        desc += (f" (for a thousands separator, write {text.replace(',', '')}; for a "
                 f"decimal comma, {text.replace(',', '.')})" if ambiguous else
                 f" (for a decimal comma, write {text.replace(',', '.')})")
    return f"the value {desc}"
