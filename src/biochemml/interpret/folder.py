"""Explain a trained run on a table of sequences: the folder ``biochemml interpret`` writes."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import AmbiguityWarning, InputError, LengthWarning, ModelError
from ..progress import say

#: sequences mutated unless ``limit`` says otherwise (each costs L x 3 predictions)
DEFAULT_LIMIT = 100
#: filter logos drawn in the report (the most influential first)
FILTER_LOGOS = 12
#: sequences (a seeded sample) on which each filter's influence is measured
INFLUENCE_SEQUENCES = 1000
#: sequences (a seeded sample of larger tables) the filter motifs are read from
FILTER_SEQUENCES = 20_000


def load_sequence_run(run_dir):
    """``(config, estimator)`` of a sequence run folder, the estimator knowing its target
    names (so outputs say "predicted mrl", not "target 0")."""
    from ..runs import _run_config, load_run_model

    run_dir = Path(run_dir)
    if (run_dir / "model.pkl").exists():
        raise ModelError(f"{run_dir} is a protein-variant run: every single substitution, "
                         "ranked (measured positions first), is already in its "
                         "substitution_effects.csv, the per-position means in "
                         "position_effects.csv and the heat map")
    cfg = _run_config(run_dir)
    est = load_run_model(run_dir)
    if cfg["task"] != "classification":
        est.target_names_ = [str(t) for t in cfg["target_columns"]]
    elif cfg.get("positive") is not None and len(est.classes_) == 2:
        # what mutagenesis and design explain by default, in Python as on the command line
        est.positive_class_ = cfg["positive"]
    return cfg, est


def read_sequences(est, cfg: dict, data, sequence_column_name, id_column=None):
    """``(table, sequences, ids)`` of a table or FASTA, with the notes ``predict`` prints
    (N letters, lengths the model never saw). ``ids``: the ``id_column``, a FASTA file's
    record names, or the file rows (``row2``, ...)."""
    from ..io.tables import require_columns
    from ..io.tables import file_rows
    from ..runs import read_for_model

    df, seqs = read_for_model(est, cfg, data, sequence_column_name)
    if id_column:
        require_columns(df, [id_column], hint=". Name the column of sequence names with --id-column")
    if id_column is None and df.attrs.get("format") == "fasta" and "id" in df:
        id_column = "id"
    rows = np.asarray([f"row{r}" for r in file_rows(df, np.arange(len(df)))])
    if not id_column:
        return df, seqs, rows
    named = df[id_column]
    blank = (named.isna() | named.astype(str).str.strip().eq("")).to_numpy()
    # a sequence without a name is named by its row, as without --id-column (not 'nan')
    return df, seqs, np.where(blank, rows, named.astype(str).str.strip().to_numpy())


def as_written(df, cfg: dict, seqs: list, sequence_column_name=None) -> list:
    """``seqs`` (upper case, as :func:`read_sequences` gives them) in the case the table
    writes them, so a design of a lower-case table stays lower case."""
    from ..runs import _trained_sequence_column

    column = sequence_column_name or _trained_sequence_column(df, cfg)
    if column not in df:
        return list(seqs)
    cells = [str(x).strip() for x in df[column].tolist()]
    if len(cells) != len(seqs):
        return list(seqs)
    return [c if len(c) == len(q) and c.upper() == q else q for c, q in zip(cells, seqs)]


def readable_consensus(pwm, strong: float = 1.0, weak: float = 0.25) -> str:
    """The consensus with its certainty: upper case where a position holds at least
    ``strong`` bits, lower case down to ``weak`` bits, ``N`` below (a filter that fires on
    anything there)."""
    bits = pwm.information_content()
    return "".join(ch if b >= strong else ch.lower() if b >= weak else "N"
                   for ch, b in zip(pwm.consensus, bits))


def _seeded_sample(items: list, n: int) -> list:
    """``items`` when there are at most ``n``, else ``n`` of them drawn with seed 0, in order."""
    if len(items) <= n:
        return items
    keep = np.sort(np.random.default_rng(0).permutation(len(items))[:n])
    return [items[i] for i in keep]


def _distinct_ids(ids) -> np.ndarray:
    """``ids`` with each repeat numbered as the figure names are (``random``, ``random_2``,
    ``random_3``), so each row of ``mutagenesis.csv`` names one sequence; a number an id of
    the table already holds is skipped."""
    ids = [str(i) for i in ids]
    taken, seen, out = set(ids), set(), []
    for i in ids:
        if i in seen:
            k = 2
            while f"{i}_{k}" in taken:
                k += 1
            i = f"{i}_{k}"
            taken.add(i)
        seen.add(i)
        out.append(i)
    return np.asarray(out, dtype=object)


def _note_repeats(ids, distinct, id_column) -> None:
    """Say once that repeated names were numbered (``ids``: those given, ``distinct``: the
    names the outputs use)."""
    counts = pd.Series(list(ids)).value_counts()
    repeated = counts[counts > 1]
    if repeated.empty:
        return
    where = f"Column {id_column!r}" if id_column else "The FASTA file"
    first = str(repeated.index[0])
    numbered = [str(d) for i, d in zip(ids, distinct) if str(i) == first]
    more = f" and {len(repeated) - 1} other name{'s' if len(repeated) > 2 else ''}" \
        if len(repeated) > 1 else ""
    say(f"{where} gives the same name to several sequences ({first} {repeated.iloc[0]} "
        f"times{more}): mutagenesis.csv, the figures and the report number the repeats "
        f"({', '.join(numbered[:3])}{', ...' if len(numbered) > 3 else ''}) so that each "
        "name is one sequence.")


#: bits at a filter motif's strongest position below which its logo shows no clear letter
WEAK_BITS = 1.0


def _weak_filters_note(motifs) -> str | None:
    """A sentence when none of the filter motifs drawn has a position of ``WEAK_BITS`` or
    more: their logos look empty because what the model learnt is spread over many filters
    (or is not a motif), so the mutagenesis maps are the ones to read."""
    if not motifs:
        return None
    strongest = max(float(m.information_content().max()) for m in motifs)
    if strongest >= WEAK_BITS:
        return None
    most = np.log2(motifs[0].matrix.shape[0])  # 2 bits for DNA, 4.32 for protein
    return (f"No filter motif drawn has a position of {WEAK_BITS:g} bit or more (the "
            f"strongest: {strongest:.2f} of {most:.3g}): each filter carries a small share of what the "
            "model learnt, so their logos look nearly empty and are not motifs to report on "
            "their own. Read the mutagenesis maps, which show what the whole model does.")


def _file_names(ids) -> list:
    """A distinct file-name-safe stem for each id (``a/b`` and ``a_b`` get ``a_b``, ``a_b_2``)."""
    seen, out = set(), []
    for i in ids:
        stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in str(i)) or "sequence"
        name, k = stem, 2
        while name.lower() in seen:
            name, k = f"{stem}_{k}", k + 1
        seen.add(name.lower())
        out.append(name)
    return out


def interpret_run(run_dir, data, out, *, sequence_column_name: str | None = None,
                  id_column: str | None = None, output=None, limit: int = DEFAULT_LIMIT,
                  plots: int = 5) -> dict:
    """In-silico mutagenesis of a table's sequences, and the run's filter motifs, in a folder.

    Parameters
    ----------
    run_dir : str or Path
        A run folder written by ``biochemml train`` (a sequence run).
    data : str, Path or pandas.DataFrame
        Table or FASTA of sequences (read as ``biochemml predict`` reads it).
    out : str or Path
        A new (or empty) folder; it appears complete or not at all.
    sequence_column_name : str, optional
        Default: the column the run was trained on.
    id_column : str, optional
        A column naming the sequences in the outputs; default the file row. A name given to
        several sequences is numbered in the outputs (``random``, ``random_2``, ...), as the
        figure names are, so each ``id`` of ``mutagenesis.csv`` is one sequence.
    output : optional
        Class label (classification; default the run's positive class) or target column
        (regression; needed when the run has several) to explain.
    limit : int
        Mutate the first ``limit`` sequences. Filter motifs read every sequence (a seeded
        sample of 20,000 from larger tables); influence is measured on 1,000 of those.
    plots : int
        Mutagenesis maps drawn (the first sequences).

    Returns
    -------
    dict
        ``sequences`` mutated, ``output`` explained, ``top`` (per plotted sequence: its id,
        prediction and three most important positions, by size: a letter that lowers the
        prediction counts as much as one that raises it), ``filters`` (motif summaries, the
        most influential first; empty for a model without convolutions) and the written
        ``files``.

    The folder holds ``mutagenesis.csv`` (one row per substitution: ``id``, ``position``
    (1-based), ``reference``, ``alternative``, ``prediction``, ``change``, and the
    position's ``importance``), ``figures/mutagenesis_<id>.png``, and for models with
    convolutions on the sequence ``filter_motifs.csv``, ``filter_motifs.meme`` (for Tomtom)
    and ``figures/filter_<k>.png``, plus ``report.html``.
    """
    from .. import plot, report
    from ..io.writers import atomic_folder, check_new_folder
    from ..motifs import write as write_motifs
    from ..runs import run_test_scores
    from .filters import filter_influence, filter_motifs
    from .mutagenesis import _scorer, mutagenesis

    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1:
        raise InputError(f"limit must be a whole number of sequences >= 1, got {limit!r}")
    if isinstance(plots, bool) or not isinstance(plots, (int, np.integer)) or plots < 0:
        raise InputError(f"plots must be a whole number >= 0, got {plots!r}")
    folder = check_new_folder(out)
    run_dir = Path(run_dir)
    cfg, est = load_sequence_run(run_dir)
    _scorer(est, output)  # a bad or missing --output is said before the table is read
    df, seqs, ids = read_sequences(est, cfg, data, sequence_column_name, id_column)
    chosen = min(limit, len(seqs))
    given, ids = ids, _distinct_ids(ids)
    _note_repeats(given[:chosen], ids[:chosen], id_column)
    if chosen < len(seqs):
        say(f"Mutating the first {chosen} of {len(seqs)} sequences (--limit to change).")
    with warnings.catch_warnings():  # read_sequences said it, as predict does
        warnings.simplefilter("ignore", LengthWarning)
        warnings.simplefilter("ignore", AmbiguityWarning)
        result = mutagenesis(est, seqs[:chosen], output=output, progress=True)
    table = result.to_frame(ids=list(ids[:chosen]))
    importance = result.importance
    reading = _seeded_sample(seqs, FILTER_SEQUENCES)  # motifs settle long before 20,000
    try:
        motifs = filter_motifs(est, reading, order="information")  # by influence below
        no_filters = ("No filter fired strongly on 10 or more windows of these "
                      f"{len(reading)} sequences, so no filter motif could be read: give more "
                      "sequences (the training table).") if not motifs else None
    except ModelError:  # an MLP without convolutions, or a baseline: mutagenesis alone
        motifs = []
        no_filters = ("The model has no convolution on the sequence, so it has no filter "
                      "motifs; the mutagenesis maps show what it learnt.")
    influence = None
    if motifs:  # most influential first: a sharp motif the model ignores is not what it learnt
        influence = filter_influence(est, _seeded_sample(reading, INFLUENCE_SEQUENCES),
                                     progress=True)
        motifs.sort(key=lambda m: -influence.get(m.name, 0.0))
    top, files = [], []
    with atomic_folder(folder) as tmp:
        table.to_csv(tmp / "mutagenesis.csv", index=False)
        files.append("mutagenesis.csv")
        figures = []
        names = _file_names(ids[:min(plots, chosen)])
        for n in range(min(plots, chosen)):
            path = tmp / "figures" / f"mutagenesis_{names[n]}.png"
            plot.mutagenesis_map(result, path, index=n,
                                 title=f"{ids[n]}: {result.output} = {result.reference[n]:.3g}")
            figures.append((f"In-silico mutagenesis of {ids[n]}", path))
            files.append(f"figures/{path.name}")
            # the largest in size, helping or hurting (an upstream AUG hurts)
            finite = np.flatnonzero(np.isfinite(importance[n]))
            order = finite[np.argsort(-np.abs(importance[n, finite]), kind="stable")][:3]
            top.append({"id": ids[n], "prediction": float(result.reference[n]),
                        "positions": [(int(i) + 1, result.sequences[n][i], float(importance[n, i]))
                                      for i in order]})
        summary_rows = []
        for k, pwm in enumerate(motifs):
            bits = float(pwm.information_content().sum())
            summary_rows.append({"filter": pwm.name, "consensus": readable_consensus(pwm),
                                 "sites": int(pwm.counts[:, 0].sum()), "information_bits": round(bits, 2),
                                 "influence": round(float(influence.get(pwm.name, 0.0)), 4)})
            if k < FILTER_LOGOS:
                path = tmp / "figures" / f"{pwm.name}.png"
                plot.sequence_logo(pwm, path, title=f"{pwm.name}: {summary_rows[-1]['consensus']} "
                                   f"({summary_rows[-1]['sites']} sites)")
                figures.append((f"{pwm.name}: {summary_rows[-1]['consensus']}, read from the "
                                f"{summary_rows[-1]['sites']} windows that excite it; influence "
                                f"{summary_rows[-1]['influence']:.3g}", path))
                files.append(f"figures/{path.name}")
        tables = {"Most important positions": pd.DataFrame(
            [{"id": t["id"], "prediction": round(t["prediction"], 4),
              "top positions": ", ".join(f"{p}{ch} ({v:+.3g})" for p, ch, v in t["positions"])}
             for t in top])} if top else {}
        if motifs:
            pd.DataFrame(summary_rows).to_csv(tmp / "filter_motifs.csv", index=False)
            write_motifs(motifs, tmp / "filter_motifs.meme")
            files += ["filter_motifs.csv", "filter_motifs.meme"]
            tables["Filter motifs (most influential first)"] = pd.DataFrame(summary_rows)
        notes = [f"Each of the {chosen} sequences was predicted with every single-letter change. "
                 f"'change' is the mutant's {result.output} minus the sequence's own; "
                 "'importance' is the sequence's own letter against the mean of the others "
                 "there (positive: the letter helps)."]
        notes.append("Filter motifs: windows where a first-layer filter reaches half its largest "
                     "output, counted into a frequency matrix; in the consensus, upper case "
                     "marks positions of at least 1 bit, lower case 0.25-1 bit, N less; "
                     "compare filter_motifs.meme with known motifs in Tomtom (JASPAR for "
                     "DNA-binding sites; a database of RNA-binding protein motifs for "
                     "mRNA). Influence: how far the predictions move (root mean square, "
                     "in the network's output units: logits, or standardised values) when the "
                     f"filter is silenced, on {min(len(seqs), INFLUENCE_SEQUENCES)} of the "
                     "sequences; the most influential come first." if motifs else no_filters)
        weak = _weak_filters_note(motifs[:FILTER_LOGOS])
        if weak:
            notes.append(weak)
        own, beaten = run_test_scores(run_dir)
        if beaten:
            beaten += " What this model learnt may be less than the data holds."
            say(f"[yellow]{beaten}[/yellow]")
        report.write_report(tmp / "report.html", f"Interpretation of {run_dir}",
                            summary={"model": str(run_dir), "data": str(data) if not isinstance(
                                data, pd.DataFrame) else "a table", "sequences mutated": chosen,
                                "explained": result.output,
                                **({"the model's own test (its run)": own} if own else {})},
                            warnings=[beaten] if beaten else None,
                            figures=figures, tables=tables, notes=notes)
        files.append("report.html")
    return {"sequences": chosen, "output": result.output, "top": top,
            "filters": summary_rows, "no_filters": no_filters, "files": files}
