"""Train and apply a protein-variant model as a run folder (what ``--task protein-variant`` calls).

A run folder holds ``model.pkl``, ``config.yaml``, ``metrics.json``, ``predictions.csv``
and figures: ``observed_vs_predicted.png``, ``position_effects.png`` (predicted effect of
every single substitution against the wild type, position x amino acid), with a structure
``distance_map.png`` and ``effects_bfactor.pdb`` (mean predicted effect per residue in
the B-factor column, 0 where no training variant touches the residue; the report gives
the PyMOL and ChimeraX commands that colour it as the heat map).

The test set is drawn at random (``split="random"``), by whole groups of a column
(``split="group"``), by mutated position (``split="position"``: no training variant
mutates a test position, the question "does the model work at positions never
measured?") or taken from a column of ``train``/``test`` values (``split_column``).
"""
from __future__ import annotations

import json
import pickle
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from .alphabets import PROTEIN
from .errors import InputError, ModelError
from .io import numeric_column, read_table, require_columns, row_error
from .io.tables import FASTA_SUFFIXES
from .io.outputs import join_outputs
from .io.writers import atomic_folder


#: Endings tried beside a --wildtype that names no file (``wt`` -> ``wt.fasta``).
_WILDTYPE_SUFFIXES = (".fasta", ".fa", ".faa", ".fas", ".fna", ".txt")
#: A wild type given as text shorter than this is taken for a mistyped file name.
MIN_WILDTYPE_LENGTH = 10


def read_wildtype(wildtype) -> str:
    """A wild-type sequence from a FASTA file (first record) or given as a string.

    Parameters
    ----------
    wildtype : str or Path
        An existing FASTA file (any extension), or the sequence itself.

    Returns
    -------
    str
        The upper-case sequence, checked to hold only the 20 amino acids. One ``*`` at
        the end (the stop codon of a translated gene) is dropped. A file holding just the
        sequence, without a FASTA header line, is read too; of a FASTA file of several
        records the first is used, and the terminal says so.

    Raises
    ------
    biochemml.errors.InputError
        A residue outside the 20 amino acids (naming the FASTA file when there is one),
        a FASTA file that does not exist, or text that is neither a file nor a sequence:
        also a word that names no file when ``word.fasta`` (``.fa``, ``.txt``...) exists
        beside it, or that is shorter than ``MIN_WILDTYPE_LENGTH`` letters (``wt``).
    """
    from .protein.mutations import _check_wildtype

    text = str(wildtype).strip()
    path = Path(text)
    if text and _is_file(path):
        from .io import read_fasta

        try:
            sequence = _plain_sequence(path)
            if sequence is None:
                records = read_fasta(path)
                # the stop dropped first: the note counts the residues the run uses
                sequence = _without_stop(str(records["sequence"].iloc[0]))
                if len(records) > 1:
                    from .progress import say

                    say(f"[yellow]{path} holds {len(records)} sequences[/yellow]: the wild type "
                        f"is the first, '{records['id'].iloc[0]}' ({len(sequence)} residues)")
            else:
                sequence = _without_stop(sequence)
            return _check_wildtype(sequence)
        except InputError as err:
            raise InputError(err.message, path=path) from None
    if path.suffix.lower() in FASTA_SUFFIXES and not _exists(path):
        raise InputError("the wild-type FASTA file does not exist", path=path)
    if not text.replace("*", "").isalpha():
        raise InputError(f"the wild type '{text}' is neither an existing FASTA file nor a protein "
                         "sequence (one letter per residue)")
    beside = [p for p in (path.with_name(path.name + ext) for ext in _WILDTYPE_SUFFIXES)
              if _is_file(p)]
    if beside or len(text.replace("*", "")) < MIN_WILDTYPE_LENGTH:
        fix = (f"did you mean the file {beside[0]}?" if beside else
               "give the FASTA file's name with its ending (such as wt.fasta), or the "
               "whole sequence")
        raise InputError(f"the wild type '{text}' is not a file, and read as a sequence it "
                         f"would be a protein of {len(text.replace('*', ''))} residues: {fix}")
    try:
        return _check_wildtype(_without_stop(text))
    except InputError as err:
        raise InputError(f"{err.message} (the wild type was given as a sequence, not a file)") \
            from None


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; False for text that cannot name one (a name too long
    for the system, a NUL byte), which the caller then reads as a sequence."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _exists(path: Path) -> bool:
    """``path.exists()``, False for text that cannot name a file (see :func:`_is_file`)."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _plain_sequence(path: Path) -> str | None:
    """The sequence of a text file that holds only letters (no FASTA header), else None."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError):
        return None
    letters = "".join(text.split())
    if not letters or ">" in text or not letters.replace("*", "").isalpha():
        return None
    return letters.upper()


def _without_stop(sequence: str) -> str:
    """``sequence`` without one final ``*``; an error when it looks like DNA."""
    sequence = sequence.strip().upper()
    if len(sequence) >= 30 and set(sequence) <= set("ACGTUN"):
        raise InputError(f"the wild type ({len(sequence)} letters of A, C, G and T) looks like "
                         "DNA: give the protein sequence (translate the gene first)")
    return sequence[:-1] if sequence.endswith("*") else sequence


def _single_mutant_scan(wildtype: str, offset: int):
    """Every single substitution of ``wildtype``: (variants, positions, residues)."""
    variants, pos, res = [], [], []
    for i, w in enumerate(wildtype):
        for a in PROTEIN.symbols:
            if a != w:
                variants.append(f"{w}{i + offset}{a}")
                pos.append(i)
                res.append(a)
    return variants, np.array(pos), np.array(res)


def _figures(model, wildtype, offset, structure, truth, pred, out: Path, target: str = "score",
             chain=None, measured=None, has_wildtype: bool = True, substituted=None,
             widths=None, floor=None) -> tuple[dict, list]:
    """Draw the run's figures and write position_effects.csv, substitution_effects.csv (the
    heat map's numbers: every single substitution, those at measured positions first, best
    first within each part) and the B-factor PDB.

    ``measured`` counts the distinct training variants that mutate each position (shape
    ``(L,)``), ``substituted`` those that carry each substitution (shape ``(L, 20)``, the
    new residue in the order of ``PROTEIN.symbols``); ``has_wildtype`` says whether a
    training variant is the wild type; ``widths`` are the run's 95 % interval half-widths
    (:func:`interval_widths`), which substitution_effects.csv then gives; ``floor`` (0 for a
    target never negative, else None) bounds predictions and intervals from below
    (:func:`_floored`). Returns the figure
    files by name and notes for the report (the ranking and its reference, the B-factor
    scale).
    """
    from . import plot

    figs, notes = {}, []
    plot.observed_vs_predicted(truth, pred, path=out / "observed_vs_predicted.png",
                               label=str(target))
    figs["observed_vs_predicted"] = "observed_vs_predicted.png"
    if measured is None:
        measured = np.zeros(len(wildtype), dtype=np.int64)
    variants, pos, res = _single_mutant_scan(wildtype, offset)
    predicted = _floored(model.predict(variants), floor)
    # the effect of a substitution: its prediction minus the wild type's (the empty variant),
    # when the table measured the wild type; else the wild type's prediction is an
    # extrapolation, and the median substitution at measured positions is the reference
    if has_wildtype or not measured.any():
        reference, against = float(_floored(model.predict([""]), floor)[0]), "the wild type's"
    else:
        reference = float(np.median(predicted[measured[pos] > 0]))
        against = "the median substitution's"
        notes.append(f"The training table has no wild-type row (an empty variant or 'WT'), so "
                     f"the model's wild-type value would be an extrapolation: the heat map, "
                     f"position_effects.csv and the B-factor file show each substitution "
                     f"against the median predicted substitution at measured positions "
                     f"({reference:.3g}) instead. Add a wild-type row to centre them on the "
                     "wild type.")
    effect = predicted - reference
    grid = np.full((20, len(wildtype)), np.nan)
    grid[[PROTEIN.symbols.index(a) for a in res], pos] = effect
    _draw_effects(grid, offset, measured, out / "position_effects.png", target=target,
                  against=against)
    figs["position_effects"] = "position_effects.png"
    per_residue = np.nanmean(grid, axis=0)
    pd.DataFrame({"position": np.arange(len(wildtype)) + offset, "residue": list(wildtype),
                  "mean_predicted_effect": per_residue,
                  "measured_variants": measured}).to_csv(out / "position_effects.csv",
                                                         index=False)
    # the heat map's numbers, one row per single substitution: what to pick variants from.
    # Substitutions at measured positions come first, best first; then those at positions no
    # training variant touches, where the model extrapolates (best first too): a neutral
    # guess at an unmeasured signal peptide must not top the list unannounced
    if substituted is None:
        substituted = np.zeros((len(wildtype), 20), dtype=np.int64)
    columns = {"variant": variants, "position": pos + offset,
               "wildtype_residue": [wildtype[i] for i in pos],
               "new_residue": res, "prediction": predicted}
    bounds = _intervals({"interval_95": widths, "wildtype": wildtype, "offset": offset,
                         "floor": floor}, variants, predicted) if widths else None
    if bounds is not None:
        columns["lower_95"], columns["upper_95"] = bounds
    reference_name = "wild type" if against == "the wild type's" else "median substitution"
    columns.update({
        "predicted_effect": effect,
        "effect_against": f"{reference_name} ({reference:.4g})",
        "measured_variants_at_position": measured[pos],
        "measured_variants_with_this_substitution":
            substituted[pos, [PROTEIN.symbols.index(a) for a in res]]})
    singles = pd.DataFrame(columns)
    at_measured = measured[pos] > 0
    order = np.lexsort((-effect, ~at_measured))  # measured positions first, then by effect
    singles.iloc[order].to_csv(out / "substitution_effects.csv", index=False)
    notes.append(_ranking_note(at_measured, pos, against, reference, bounds is not None))
    if structure is not None:
        from . import structure as S
        from .plot._base import DPI
        from .protein.models import check_structure

        st = check_structure(structure, wildtype, chain=chain, offset=offset)
        fig = S.plot_structure_map(st, vmax=DISTANCE_MAP_VMAX)
        ax = fig.axes[0]
        # number residues as the variants and the heat map do (not as the file, whose ticks
        # and gap lines plot_structure_map draws for a file numbered with gaps)
        from matplotlib.ticker import AutoLocator, ScalarFormatter

        for line in list(ax.lines):
            line.remove()
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(AutoLocator())
            axis.set_major_formatter(ScalarFormatter())
        ax.images[0].set_extent((offset - 0.5, len(st) + offset - 0.5,
                                 len(st) + offset - 0.5, offset - 0.5))
        ax.set_xlabel(_position_label(offset))
        ax.set_ylabel(_position_label(offset))
        fig.savefig(out / "distance_map.png", dpi=DPI, bbox_inches="tight")
        figs["distance_map"] = "distance_map.png"
        if len(st) == len(wildtype):
            # residues no training variant touches stay 0 (white): the file shows what was
            # measured; the model's guesses there are in position_effects.csv and the heat map
            shown = np.where(measured > 0, per_residue, np.nan)
            scale = _bfactor_scale(shown)
            written = S.write_bfactors(st, shown * scale, out / "effects_bfactor.pdb")
            figs["effects_bfactor"] = written.name
            notes.append(_bfactor_note(written.name, scale, measured, _heat_span(grid)))
    return figs, notes


def _ranking_note(at_measured, pos, against: str, reference: float, intervals: bool) -> str:
    """How substitution_effects.csv is ordered and what its effects are measured against."""
    n_positions = len(np.unique(pos[at_measured]))
    text = (f"substitution_effects.csv lists every single substitution with its predicted "
            f"effect against {against} prediction ({reference:.4g}, column "
            "effect_against), how many distinct training variants were measured at its "
            "position and with that very substitution"
            + (", and the 95 % interval of its prediction" if intervals else "")
            + f". It ranks the {int(at_measured.sum())} substitutions at the {n_positions} "
            "positions training variants touch first, best first")
    if (~at_measured).any():
        text += (f"; then the {int((~at_measured).sum())} at the "
                 f"{len(np.unique(pos[~at_measured]))} positions no training variant touches "
                 "(measured_variants_at_position 0), also best first: there the model "
                 "extrapolates from other positions, so test those before trusting them")
    return text + "."


def _network_history(est) -> tuple[list, str]:
    """The training loss per epoch of a run's network (``history_`` of the graph or image
    model, or of the network in an ensemble), and which network it is ("" for the model
    itself); ``([], "")`` for models without epochs."""
    if getattr(est, "history_", None):
        n = len(getattr(est, "networks_", []) or [])
        return list(est.history_), (f"network 1 of {n}" if n > 1 else "")
    for member in getattr(est, "members_", None) or []:
        if getattr(member, "history_", None):
            return list(member.history_), f"the {type(member).__name__} of the ensemble"
    return [], ""


#: relative fall of the training loss over the last quarter of the epochs above which a run
#: says the network was still learning
STILL_FALLING = 0.05


def _convergence_note(history, which: str = "") -> str:
    """What the training-loss curve says about the number of epochs."""
    h = np.asarray(history, dtype=float)
    n = h.size
    text = (f"training_loss.png shows the network's training loss per epoch ({n} epochs"
            + (f", {which}" if which else "") + f"): from {h[0]:.3g} to {h[-1]:.3g}. ")
    quarter = max(1, n // 4)
    if n < 4:
        return text + "Too few epochs to tell whether it had settled: train with more --epochs."
    before = h[-quarter - 1]
    fall = (before - h[-1]) / before if before > 0 else 0.0
    if fall > STILL_FALLING:
        text += (f"It was still falling over the last quarter of the epochs ({before:.3g} to "
                 f"{h[-1]:.3g}, {fall:.0%} lower): more --epochs may give a better model. ")
    else:
        text += "It had levelled off over the last quarter of the epochs. "
    return text + ("The learning rate falls to near 0 by the last epoch (a one-cycle "
                   "schedule), so a flat end alone does not prove convergence: compare the "
                   "test score with more --epochs.")


def _bfactor_note(name: str, scale: float, measured, heat_span: float) -> str:
    """How to read and colour the B-factor file: its scale, the residues left at 0, and
    viewer commands on the heat map's colour scale (red lower, white 0, blue higher; its
    limits ``±heat_span``, the largest substitution effect, times the file's ``scale``), so
    a residue's mean effect takes the colour a substitution of that effect has there."""
    span = float(f"{heat_span * scale:.3g}")
    text = (f"{name} holds the mean predicted effect of each residue's substitutions (as in "
            "the heat map) in its B-factor column")
    if scale != 1.0:
        text += (f", times {scale:.4g} so that the largest is about 99 (the column keeps 2 "
                 "decimals and at most 999.99)")
    n_unmeasured = int((measured == 0).sum())
    if n_unmeasured:
        text += (f". The {n_unmeasured} residues that no training variant touches hold 0 "
                 "(white): the model's guesses for them are in position_effects.csv and the "
                 "heat map, not in this file")
    return (text + f". On the heat map's colour scale (red lower, white as the reference, "
            f"blue higher; ±{span:g} in the file's units): in PyMOL `spectrum b, red_white_blue, minimum=-{span:g}, "
            f"maximum={span:g}`; in ChimeraX `color bfactor palette "
            f"-{span:g},red:0,white:{span:g},blue`.")


#: Å at which the run's distance map reaches its darkest colour (a floppy tail or signal
#: peptide would otherwise stretch the scale to 100 Å and wash out the contacts)
DISTANCE_MAP_VMAX = 30.0

#: positions per row of the heat map (longer proteins wrap onto more rows)
EFFECTS_PER_ROW = 150


def _draw_effects(grid, offset: int, measured, path, target: str, against: str) -> None:
    """The heat map of ``grid`` (20 new residues x L positions), wrapped onto rows of
    ``EFFECTS_PER_ROW`` positions, in the slide style of :mod:`biochemml.plot`."""
    from matplotlib import colormaps

    from .plot._base import finish, new_figure, style

    length = grid.shape[1]
    n_rows = int(np.ceil(length / EFFECTS_PER_ROW))
    per = int(np.ceil(length / n_rows))
    # limits symmetric about 0, so white is "as the reference", red lower, blue higher;
    # the wild-type residue (no substitution) is grey, not white
    span = _heat_span(grid)
    cmap = colormaps["RdBu"].with_extremes(bad="0.7")
    unmeasured = _runs(np.flatnonzero(measured == 0))
    with style():
        fig, axes = new_figure(14, 1.0 + 4.6 * n_rows, nrows=n_rows, squeeze=False)
        for r, ax in enumerate(axes[:, 0]):
            lo, hi = r * per, min(length, (r + 1) * per)
            # x in the variants' numbering (the first residue is `offset`), as the distance map
            image = ax.imshow(grid[:, lo:hi], aspect="auto", cmap=cmap, interpolation="nearest",
                              vmin=-span, vmax=span,
                              extent=(lo + offset - 0.5, hi + offset - 0.5, 19.5, -0.5))
            for a, b in unmeasured:  # predictions there rest on other positions only
                if a < hi and b >= lo:
                    ax.axvspan(max(a, lo) + offset - 0.5, min(b, hi - 1) + offset + 0.5,
                               facecolor="none", edgecolor="0.35", hatch="///", linewidth=0)
            ax.set_yticks(range(20), list(PROTEIN.symbols))
            ax.set_ylabel("new residue")
        axes[-1, 0].set_xlabel(_position_label(offset))
        fig.colorbar(image, ax=list(axes[:, 0]), label=f"change in predicted {target}",
                     shrink=0.9)
        fig.suptitle(f"Predicted effect of every single substitution, against {against[:-2]}"
                     + ("\n(grey: the wild-type residue; hatched: no training variant, "
                        "held out or never measured)" if unmeasured else
                        "\n(grey: the wild-type residue)"))
        finish(fig, path)


def _heat_span(grid) -> float:
    """The heat map's colour limit: the largest |effect| of any substitution (1 if none)."""
    return float(np.nanmax(np.abs(grid))) or 1.0


def _runs(indices) -> list[tuple[int, int]]:
    """Consecutive runs of sorted integers as (first, last) pairs."""
    out = []
    for i in indices.tolist():
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _bfactor_scale(values) -> float:
    """1, or the factor that brings the largest |value| to 99: effects of 0.002 would all
    print as 0.00 in the PDB column, effects of 1,000 would not fit."""
    span = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.0
    if span == 0.0 or 1.0 <= span < 99.0:
        return 1.0
    return 99.0 / span


def _position_label(offset: int) -> str:
    return f"position (as in the variants: the first residue is {offset})"


SPLITS = ("random", "group", "position")

#: models that read the 3-D structure when one is given (an idealised chain without)
_STRUCTURE_MODELS = {
    "graph": "no structure given: the graph network sees the sequence chain only (an idealised "
             "chain, no 3-D neighbours); give --structure for the structure graph",
    "image": "no structure given: the distance-map CNN sees an idealised straight chain only "
             "(no 3-D neighbours); give --structure for the real distance map",
    "ensemble": "no structure given: the graph network sees the sequence chain only and the "
                "boosting has no structure features; give --structure to use the 3-D structure",
}


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _split_rows(df, data_path, variants, rows, index, codes, distinct, *, split, test_size,
                seed, split_column, group_column):
    """Boolean test mask of the table's rows, and a sentence saying how it was drawn.

    ``codes, distinct`` are the variants factorised (:func:`_variant_codes`). A random split draws
    variants, not rows: the copies of one variant (replicates, or one variant written two
    ways) stay on one side, and the wild type always trains, as it does with
    ``split="position"``.
    """
    n = len(variants)
    if split_column is not None:
        from .runs import read_split_column

        test = np.zeros(n, dtype=bool)
        test[read_split_column(df, split_column)[1]] = True
        return test, f"rows marked 'test' in column '{split_column}'"
    if split not in SPLITS:
        hint = " (variants of one protein are all alike: use position)" \
            if split == "similarity" else ""
        raise InputError(f"the protein-variant split must be one of {', '.join(SPLITS)}, "
                         f"not '{split}'{hint}")
    from .splits import _check_fraction

    _check_fraction(test_size, "the test size (--test-size)", zero=False)
    if group_column is not None and split != "group":
        raise InputError(f"the group column '{group_column}' is only used to split whole groups: "
                         "add --split group (split='group')")
    test = np.zeros(n, dtype=bool)
    if split == "random":
        # one draw per distinct variant, in order of first appearance: a table without
        # copies is split row by row exactly as before
        wanted, held = max(1, int(round(test_size * n))), 0
        sizes = np.bincount(codes, minlength=len(distinct))
        chosen = np.zeros(len(distinct), dtype=bool)
        for code in np.random.RandomState(seed).permutation(len(distinct)):
            if held >= wanted:
                break
            if distinct[code]:  # the wild type (no mutation) trains
                chosen[code] = True
                held += sizes[code]
        test[chosen[codes]] = True
        return test, f"{test_size:.0%} of the variants at random"
    if split == "group":
        from .evaluation import group_names, group_split
        from .io import label_column

        if group_column is None:
            raise InputError("split 'group' needs a group column (--group-column)")
        require_columns(df, [group_column], path=data_path)
        groups = label_column(df, group_column)
        _, te = group_split(groups, test_size=test_size, seed=seed)
        test[te] = True
        held = set(groups[te])
        return test, (f"whole groups of column '{group_column}' ({len(held)} of "
                      f"{len(set(groups))} groups: {group_names(held)})")
    positions = np.unique(index)
    if positions.size < 2:
        raise InputError("split 'position' needs variants at 2 or more positions", path=data_path)
    k = max(1, int(round(test_size * positions.size)))
    held = np.random.RandomState(seed).permutation(positions)[:k]
    test[rows[np.isin(index, held)]] = True
    # a variant of several mutations is a test variant when any one is held out: in a
    # library of multi-mutants far more than test_size of the variants
    return test, (f"{k} of {positions.size} mutated positions held out (--test-size "
                  f"{test_size:g} is a fraction of the positions, not of the variants): every "
                  "variant that mutates one is a test variant, so no training variant touches "
                  f"them; the test set holds {_variants_text(test, codes)}")


def _substitution_counts(codes, rows, index, new_residues, kept, length: int):
    """Distinct variants carrying each substitution among the mutations ``kept`` (the
    training variants'): shape ``(length, 20)``, new residues in ``PROTEIN.symbols`` order;
    stops are not counted."""
    counts = np.zeros((length, 20), dtype=np.int64)
    lookup = np.full(256, -1)
    lookup[np.frombuffer(PROTEIN.symbols.encode("ascii"), dtype=np.uint8)] = np.arange(20)
    column = lookup[np.asarray(new_residues, dtype=np.uint8)]
    keep = np.asarray(kept, dtype=bool) & (column >= 0)
    if keep.any():
        triples = np.unique(np.stack([codes[rows[keep]], index[keep], column[keep]]), axis=1)
        np.add.at(counts, (triples[1], triples[2]), 1)
    return counts


def _variants_text(chosen, codes) -> str:
    """``"188 of the 811 variants (23%)"``, counting distinct variants (``codes``,
    :func:`_variant_codes`) of the ``chosen`` rows, with the rows when replicates or
    copies make them more: ``"150 of the 700 variants (21%; 188 of the 811 rows)"``."""
    chosen = np.asarray(chosen, dtype=bool)
    k, n = len(np.unique(codes[chosen])), len(np.unique(codes))
    rows = "" if (k, n) == (int(chosen.sum()), chosen.size) else \
        f"; {int(chosen.sum())} of the {chosen.size} rows"
    return f"{k} of the {n} variants ({k / n:.0%}{rows})"


def _count_text(k_rows: int, k_distinct: int, what: str) -> str:
    """``"120 training variants"``, or ``"120 training variants (150 rows)"`` with copies."""
    return f"{k_distinct} {what} variants" + ("" if k_rows == k_distinct else
                                               f" ({k_rows} rows)")


def train_variant_model(data_path, wildtype_fasta, variant_column: str = "variant",
                        target_column: str = "score", structure=None, offset: int = 0,
                        out="runs/protein-variant", seed: int = 0, model: str | None = None,
                        test_size: float = 0.2, split_column: str | None = None,
                        model_params: dict | None = None, *, split: str | None = None,
                        group_column: str | None = None, chain: str | None = None,
                        baselines: bool = True, command: str | None = None) -> dict:
    """Fit a variant-effect model on a table of variants and write a run folder.

    Parameters
    ----------
    data_path : str or Path
        CSV/TSV/Parquet table with a variant column (``A108D:N144D``, ``SA108D``,
        ``M0I,S1G``; empty = wild type, with a notice) and a numeric target column.
        Other columns are ignored.
    wildtype_fasta : str or Path
        FASTA file of the wild type (first record), or the sequence itself.
    variant_column, target_column : str
    structure : str or Path, optional
        PDB/mmCIF of the wild type; enables the structure-aware model and the structure
        figures.
    offset : int
        Number of the first wild-type residue in the variant numbering (0 or 1).
    out : str or Path
        Run folder to create.
    seed : int
        Seeds the split and the model.
    model : {"auto", "additive", "sequence", "structure", "graph", "image", "ensemble"}, optional
        Default ``"auto"``: the additive model, the gradient boosting (``"structure"`` with
        a structure, else ``"sequence"``) or their mean, whichever predicts held-out
        training variants best (drawn by position for ``split="position"``;
        :class:`biochemml.protein.models.SelectingRegressor`). ``"graph"`` is the
        message-passing network over the residue graph
        (:class:`biochemml.protein.GraphVariantRegressor`); ``"image"`` a 2D CNN on
        distance-map crops with mutation channels
        (:class:`biochemml.protein.DistanceMapCNNRegressor`); ``"ensemble"`` averages the
        graph network with the structure-aware boosting. Without a structure the graph,
        image and ensemble models see an idealised chain (a notice says so).
    test_size : float
        Fraction held out: of the rows (``split="random"``), of the groups
        (``"group"``) or of the mutated positions (``"position"``: in a library of
        multi-mutants the test set then holds a larger fraction of the variants, which
        the terminal and the report give); ignored with ``split_column``.
    split_column : str, optional
        Column whose ``test`` rows are held out (e.g. ``split`` for the avGFP TAPE split).
    model_params : dict, optional
        Extra settings of the model (e.g. ``{"max_iter": 100}``; see
        :mod:`biochemml.protein.models`).
    split : {"random", "group", "position"}, optional
        How the test set is drawn: random rows (the default), whole groups of
        ``group_column``, or whole mutated positions (every variant touching a test
        position is a test variant; variants without a mutation train). Not with
        ``split_column``, which gives the test set itself.
    group_column : str, optional
        Column of groups for ``split="group"``.
    chain : str, optional
        Chain of ``structure`` to use (default its first).
    baselines : bool
        Also fit the additive model (ridge on the mutations) on the same split and
        report its test scores (``metrics["baselines"]["additive"]``).
    command : str, optional
        The command line, recorded in ``config.yaml``.

    Returns
    -------
    dict
        The metrics written to ``metrics.json``. When every value of ``target_column`` is 0
        or more (activity as % of wild type), predictions and 95 % intervals below 0 are
        given as 0 here and by :func:`predict_variant_model`; the run says so.

    Raises
    ------
    biochemml.errors.InputError
        A bad table, wild type, structure or option; a split that leaves fewer than 2
        training or test variants. Nothing is written then.
    """
    from .io.writers import check_new_folder
    from .metrics import regression_metrics, with_intervals
    from .progress import say
    from .protein.models import VARIANT_MODELS, build_variant_model, check_structure
    from .protein.mutations import parse_variant, variant_table

    if split is not None and split_column is not None:
        raise InputError(f"the split column '{split_column}' gives the test set itself, so "
                         f"split '{split}' (--split) would be ignored: give one of the two")
    split = "random" if split is None else split
    out = check_new_folder(out)
    df = read_table(data_path)
    require_columns(df, [variant_column, target_column], path=data_path)
    raw = df[variant_column]
    variants = raw.fillna("").astype(str).tolist()
    y = numeric_column(df, target_column)
    wildtype = read_wildtype(wildtype_fasta)
    try:
        rows, index, new_residues = variant_table(variants, wildtype, offset)
    except InputError as err:
        raise row_error(err.message, df, err.row, variant_column) from None
    name = model or "auto"
    if name not in VARIANT_MODELS:
        raise InputError(f"unknown variant model '{name}': expected {', '.join(VARIANT_MODELS)}")
    if name == "structure" and structure is None:
        raise InputError("model 'structure' needs a structure file (--structure wt.pdb)")
    if chain is not None and structure is None:
        raise InputError("a chain (--chain) picks a chain of the structure: give --structure too")
    notes = []
    if structure is not None:
        named = {m.chain for v in variants for m in parse_variant(v) if m.chain}
        from .structure import approximation_note

        approximate = approximation_note(check_structure(structure, wildtype, chain=chain,
                                                         offset=offset, named_chains=named))
        if approximate:
            notes.append(approximate + ".")
            say(f"[yellow]Notice[/yellow]: {approximate}.")
    elif name in _STRUCTURE_MODELS:
        notes.append(_STRUCTURE_MODELS[name] + ".")
        say(f"[yellow]Notice[/yellow]: {_STRUCTURE_MODELS[name]}.")
    n_empty = int((raw.isna() | (raw.astype(str).str.strip() == "")).sum())
    if n_empty:
        text = (f"{_rows(n_empty)} with an empty variant {'is' if n_empty == 1 else 'are'} "
                "taken as the wild type")
        notes.append(text + ".")
        say(text)
    codes, distinct = _variant_codes(variants, wildtype, offset)
    test, how = _split_rows(df, data_path, variants, rows, index, codes, distinct, split=split,
                            test_size=test_size, seed=seed, split_column=split_column,
                            group_column=group_column)
    copies = _copies_note(df, codes, test, random=split == "random" and split_column is None)
    if copies:
        notes.append(copies)
        say(f"[yellow]{copies}[/yellow]")
    if split != "position":
        seen = _measured_positions_note(rows, index, test)
        if seen:
            notes.append(seen)
            say(f"[yellow]{seen}[/yellow]")
    n_test, n_train = int(test.sum()), int((~test).sum())
    constant = _constant_note(y[test], "test variants", target_column)
    if constant:
        notes.append(constant)
        say(f"[yellow]Notice[/yellow]: {constant}")
    for count, what in ((n_test, "test"), (n_train, "training")):
        if count < 2:
            fix = (f"mark more rows 'test' and 'train' in column '{split_column}'"
                   if split_column is not None else "add rows or change --test-size")
            raise InputError(f"only {count} {what} variant{'' if count == 1 else 's'} "
                             f"({len(df)} rows, split: {how}); at least 2 are needed to fit "
                             f"and score a model: {fix}", path=data_path)
    notes.append(f"Test set: {how}.")
    if split in ("group", "position") and split_column is None:  # else nowhere on screen
        say(f"Test set: {how}")
    say(f"[bold]biochemml[/bold] protein-variant: {name} model on "
        f"{_count_text(n_train, len(np.unique(codes[~test])), 'training')} and "
        f"{_count_text(n_test, len(np.unique(codes[test])), 'test')} from {data_path}")
    params = dict(model_params or {})
    if name == "auto":  # choose on held-out variants drawn as the test set was
        params.setdefault("by_position", split == "position" and split_column is None)
    est = build_variant_model(name, wildtype, structure=None if structure is None else str(structure),
                              offset=offset, seed=seed, chain=chain, **params)
    train_variants = [variants[i] for i in np.flatnonzero(~test)]
    est.fit(train_variants, y[~test])
    if hasattr(est, "describe"):
        chosen = est.describe()
        notes.append(chosen[0].upper() + chosen[1:] + ".")
        say(chosen)
    # a target never negative in the table (activity as % of wild type, a rate) is never
    # predicted below 0: an additive or boosted model of it can go there
    floor = 0.0 if np.nanmin(y) >= 0 else None
    if floor is not None:
        text = (f"Every measured {target_column} is 0 or more, so the run's predictions and "
                "their 95 % intervals are floored at 0 (a value the model puts below 0 is "
                "given as 0).")
        notes.append(text)
        say(text)
    pred = _floored(est.predict(variants), floor)
    metrics = {"test": regression_metrics(y[test], pred[test]),
               "train": regression_metrics(y[~test], pred[~test])}
    # the report's 95 % bootstrap intervals, as a sequence run gives them; held-out
    # positions (or groups) are the units of a position (group) split, so they are what is
    # resampled
    clusters = None
    if split == "position" and split_column is None:
        from .protein.metrics import position_clusters

        clusters = position_clusters(rows, index, test)
        units, named = "positions", "positions"
        why = ", since variants at one unseen position are not independent tests"
    elif split == "group" and split_column is None:
        from .io import label_column
        from .metrics import label_clusters

        clusters = label_clusters(label_column(df, group_column)[test])
        units, named, why = "groups", f"groups of '{group_column}'", ""
    if clusters is None:
        metrics["test_intervals"] = with_intervals(regression_metrics, y[test], pred[test],
                                                   n_boot=1000, seed=0)
        intervals = "test variants"
    else:
        from .metrics import cluster_intervals

        metrics["test_intervals"] = cluster_intervals(y[test], pred[test], clusters,
                                                      n_boot=1000, seed=0)
        intervals = f"the {len(clusters)} held-out {units} (all their test variants)"
        notes.append(f"The 95 % intervals are a bootstrap over the {len(clusters)} held-out "
                     f"{named}: each resample draws {units} with replacement and takes all "
                     f"their test variants{why}.")
    metrics["intervals_over"] = intervals
    widths = interval_widths(np.bincount(rows, minlength=len(variants))[test],
                             y[test] - pred[test])
    if widths:
        notes.append(_intervals_note(widths))
    else:  # predict then gives no lower_95/upper_95: say why where the user looks now
        text = _no_intervals_note(n_test)
        notes.append(text)
        say(f"[yellow]{text}[/yellow]")
    if baselines and name != "additive":
        base = build_variant_model("additive", wildtype, offset=offset, seed=seed)
        base.fit(train_variants, y[~test])
        metrics["baselines"] = {"additive": regression_metrics(
            y[test], _floored(base.predict([variants[i] for i in np.flatnonzero(test)]),
                              floor))}
    # written under a temporary name and renamed at the end: a failure leaves nothing behind
    with atomic_folder(out) as out:
        with open(out / "model.pkl", "wb") as handle:
            pickle.dump(est, handle)
        table = pd.DataFrame({variant_column: variants, target_column: y,
                              "split": np.where(test, "test", "train"), "prediction": pred})
        table.to_csv(out / "predictions.csv", index=False)
        in_training = ~test[rows]  # the training variants' mutations
        # distinct training variants per position: replicates (R111F twice) count once
        measured = np.bincount(np.unique(np.stack([codes[rows[in_training]],
                                                   index[in_training]]), axis=1)[1],
                               minlength=len(wildtype))
        has_wildtype = bool(np.any(np.bincount(rows, minlength=len(variants))[~test] == 0))
        figs, figure_notes = _figures(est, wildtype, offset, structure, y[test], pred[test],
                                      out, target=target_column, chain=chain,
                                      measured=measured, has_wildtype=has_wildtype,
                                      substituted=_substitution_counts(
                                          codes, rows, index, new_residues, in_training,
                                          len(wildtype)),
                                      widths=widths, floor=floor)
        notes += figure_notes
        for note in figure_notes:
            say(note)
        history, which = _network_history(est)
        if history:  # the graph or image network: did its training settle?
            from . import plot

            plot.training_curves({"loss": history}, path=out / "training_loss.png",
                                 title="Training loss" + (f" ({which})" if which else ""),
                                 loss_label="mean squared error of the standardised value")
            figs["training_loss"] = "training_loss.png"
            text = _convergence_note(history, which)
            notes.append(text)
            say(text)
        from . import provenance

        config = {"task": "protein-variant", "model": name, "data": _absolute(data_path),
                  "wildtype": wildtype, "variant_column": variant_column,
                  "target_column": target_column,
                  "structure": _absolute(structure), "chain": chain,
                  "offset": offset, "seed": seed, "split": None if split_column else split,
                  "test_size": None if split_column else test_size,
                  "group_column": group_column, "split_column": split_column,
                  "baselines": bool(baselines), "model_params": model_params or {},
                  "n_train": n_train, "n_test": n_test,
                  # distinct variants: replicates and copies count once (n_train: rows)
                  "n_train_variants": len(np.unique(codes[~test])),
                  "n_test_variants": len(np.unique(codes[test])),
                  "interval_95": widths,
                  "floor": floor,
                  "notes": notes, "figures": figs,
                  "command": command,
                  "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "provenance": provenance.record(data_path)}
        from .runs import write_yaml

        write_yaml(out / "config.yaml", config)
        (out / "metrics.json").write_text(_metrics_json(metrics))
        _write_report(out, config, metrics)
    return metrics


_CAPTIONS = {
    "observed_vs_predicted": "Measured vs predicted {target} of the test variants",
    "position_effects": "Predicted effect on {target} of every single substitution (its "
                        "prediction minus the wild type's, or the median substitution's for a "
                        "table without a wild-type row, see the notes: white as that "
                        "reference, red lower, blue higher; hatched: positions no training "
                        "variant touches, held out for testing or never measured): position "
                        "(x, numbered as in the variants from {offset}) by new residue (y); "
                        "grey cells are the wild-type residue",
    "training_loss": "Training loss of the network per epoch (mean squared error of the "
                     "standardised {target} on the training variants; see the notes on "
                     "whether more epochs may help)",
    "distance_map": "C-beta distance map of the structure (positions numbered as in the "
                    "variants, from {offset}; bright = close, colours capped at "
                    "{vmax:g} Å so that contacts stand out)",
}


def _split_counts(config: dict) -> str:
    """``"574 / 176"`` distinct training / test variants, with the rows when copies make
    them more (``"574 / 176 (623 / 188 rows)"``); runs saved before: the rows."""
    rows = f"{config['n_train']} / {config['n_test']}"
    if "n_train_variants" not in config:
        return rows
    distinct = f"{config['n_train_variants']} / {config['n_test_variants']}"
    return distinct if distinct == rows else f"{distinct} ({rows} rows)"


def _write_report(out: Path, config: dict, metrics: dict) -> None:
    """One self-contained report.html for a protein-variant run."""
    from .report import write_report

    figures = [(_CAPTIONS.get(k, k).format(target=config["target_column"],
                                           offset=config["offset"], vmax=DISTANCE_MAP_VMAX),
                out / v)
               for k, v in config["figures"].items() if str(v).endswith(".png")]
    notes = list(config.get("notes") or [])
    summary = {"data": config["data"], "task": "protein variant -> activity",
               "model": config["model"],
               "structure": config["structure"] or "none (sequence only)",
               "test set": (f"column {config['split_column']}" if config.get("split_column")
                            else f"split {config.get('split')}, test size {config.get('test_size')}"),
               "training / test variants": _split_counts(config),
               "seed": config["seed"]}
    scores = metrics.get("test_intervals") or metrics["test"]  # runs saved before: no intervals
    shown = {k: v for k, v in scores.items()
             if k in ("r2", "pearson", "spearman", "mse", "mae", "rmse")}
    shown["test variants"] = metrics["test"]["n"]
    for base, scores in (metrics.get("baselines") or {}).items():
        shown.update({f"{base} baseline: {k}": v for k, v in scores.items()
                      if k in ("r2", "spearman")})
    write_report(out / "report.html", "biochemml protein-variant run", summary=summary,
                 metrics=shown, figures=figures, notes=notes, config=config,
                 intervals_over=metrics.get("intervals_over", "test variants"))


#: fewest test variants a 95 % interval is read from: with n of them the interval is the
#: ceil((n + 1) 0.95)-th smallest error, which needs n >= 19 to exist; 40 gives it a
#: second-largest error or better to stand on
INTERVAL_MIN_VARIANTS = 40


def interval_widths(counts, errors) -> list[dict]:
    """Half-widths of 95 % prediction intervals from held-out errors, by mutation count.

    Split-conformal intervals: a new variant like the held-out ones has its measured value
    within ``prediction ± half_width`` with probability at least 0.95, whatever the model.
    Variants carrying more mutations are predicted worse, so the held-out variants are
    grouped by their number of mutations (counts in ascending order, at least
    :data:`INTERVAL_MIN_VARIANTS` in a group, the last group open-ended).

    Parameters
    ----------
    counts : array of int, shape (n,)
        Mutations of each held-out variant (0: the wild type).
    errors : array of float, shape (n,)
        Its measured minus predicted value.

    Returns
    -------
    list of dict
        ``{"fewest_mutations": j, "most_mutations": k or None (open-ended), "half_width":
        w, "variants": n}`` in ascending order; empty when fewer than
        :data:`INTERVAL_MIN_VARIANTS` variants were held out.
    """
    counts = np.asarray(counts, dtype=int)
    errors = np.abs(np.asarray(errors, dtype=float))
    if counts.size < INTERVAL_MIN_VARIANTS:
        return []
    groups, start = [], 0
    order = np.argsort(counts, kind="stable")
    counts, errors = counts[order], errors[order]
    for k in np.unique(counts):
        end = int(np.searchsorted(counts, k, side="right"))
        if end - start >= INTERVAL_MIN_VARIANTS and counts.size - end >= INTERVAL_MIN_VARIANTS:
            groups.append((int(k), start, end))
            start = end
    groups.append((None, start, counts.size))
    widths = []
    for most, a, b in groups:
        chunk = np.sort(errors[a:b])
        rank = int(np.ceil((chunk.size + 1) * 0.95))  # the conformal quantile's rank
        widths.append({"fewest_mutations": int(counts[a]), "most_mutations": most,
                       "half_width": float(chunk[min(rank, chunk.size) - 1]),
                       "variants": int(chunk.size)})
    return widths


def _intervals(config: dict, variants, pred):
    """``(lower_95, upper_95)`` of predicted ``variants`` (in the run's numbering) from the
    run's held-out errors (:func:`interval_widths`), or None for a run without them."""
    widths = config.get("interval_95") or []
    if not widths:
        return None
    from .protein.mutations import variant_table

    rows, _, _ = variant_table(list(variants), config["wildtype"], int(config.get("offset", 0)))
    counts = np.bincount(rows, minlength=len(variants))
    half = np.full(len(variants), widths[-1]["half_width"])
    for group in reversed(widths[:-1]):  # the lowest group a variant fits in wins
        half[counts <= group["most_mutations"]] = group["half_width"]
    pred = np.asarray(pred, dtype=float)
    floor = config.get("floor")
    return _floored(pred - half, floor), _floored(pred + half, floor)


def _floored(values, floor):
    """``values`` raised to ``floor`` where below it (a run whose target was never negative
    has ``floor`` 0: activity as % of wild type cannot go below 0); unchanged for None."""
    values = np.asarray(values, dtype=float)
    return values if floor is None else np.maximum(values, floor)


def _intervals_note(widths: list) -> str:
    """How the run's 95 % prediction intervals were made, for its report."""
    if not widths:
        return ""

    def group(w):
        low, most = w["fewest_mutations"], w["most_mutations"]
        span = f"{low}+" if most is None else f"{low}" if most == low else f"{low}-{most}"
        return (f"{span} mutation{'' if span == '1' else 's'}: ±{w['half_width']:.3g} "
                f"({w['variants']} test variants)")

    text = "; ".join(group(w) for w in widths) if len(widths) > 1 else \
        f"±{widths[0]['half_width']:.3g} ({widths[0]['variants']} test variants)"
    return ("predict adds a 95 % interval to each prediction (lower_95, upper_95), as wide as "
            "95 % of this run's test errors: " + text + ". It holds for variants like the "
            "test variants, not for those beyond the training data.")


def _no_intervals_note(n_test) -> str:
    """Why a run's predictions come without 95 % intervals (``n_test`` held-out variants)."""
    held = "" if n_test is None else f"this run held out {n_test} test variants, and "
    return (f"No 95 % prediction intervals (lower_95, upper_95): {held}"
            f"{INTERVAL_MIN_VARIANTS} are needed to read an interval from their errors; "
            "predictions come without them. Hold out more (a larger --test-size, or a "
            "larger table) to get them.")


def _load_run(run_dir):
    """(config, estimator) of a protein-variant run folder."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ModelError(f"the run folder {run_dir} does not exist")
    if not (run_dir / "model.pkl").exists() or not (run_dir / "config.yaml").exists():
        raise ModelError(f"{run_dir} is not a protein-variant run folder (model.pkl and "
                         "config.yaml are needed)")
    from .runs import read_run_config

    config = read_run_config(run_dir / "config.yaml",
                             ("wildtype", "variant_column", "target_column", "offset"))
    try:
        with open(run_dir / "model.pkl", "rb") as handle:
            est = pickle.load(handle)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError) as err:
        raise ModelError(f"{run_dir / 'model.pkl'} cannot be read ({type(err).__name__}: "
                         "cut short, or written by another version of its libraries); copy "
                         "the run folder again, or train anew") from None
    return config, est


def _predict_table(est, df, data_path, column, config: dict, offset: int | None = None):
    """The table's variants, written in the run's numbering, and their predictions.

    ``offset`` is the numbering of the table (default the run's): a table that counts
    from 1 is renumbered for a run trained on names counting from 0, and back.
    """
    require_columns(df, [column], path=data_path)
    variants = df[column].fillna("").astype(str).tolist()
    try:
        variants = _renumbered(variants, config["wildtype"], offset,
                               int(config.get("offset", 0)))
        return variants, _floored(est.predict(variants), config.get("floor"))
    except InputError as err:
        raise row_error(err.message, df, err.row, column) from None


def _renumbered(variants, wildtype: str, offset: int | None, run_offset: int) -> list:
    """``variants`` numbered from ``offset``, written as ``A108D:N144D`` numbered from
    ``run_offset``; unchanged when the two agree (or ``offset`` is None)."""
    if offset is None or offset == run_offset:
        return variants
    from .protein.mutations import variant_table

    rows, index, mt = variant_table(variants, wildtype, offset)
    parts = [[] for _ in variants]
    for r, i, m in zip(rows.tolist(), index.tolist(), mt.tolist()):
        parts[r].append(f"{wildtype[i]}{i + run_offset}{chr(m)}")
    return [":".join(p) for p in parts]


def predict_variant_model(run_dir, data_path, out_csv=None, variant_column: str | None = None,
                          offset: int | None = None):
    """Predict the variants of a table with a run folder from :func:`train_variant_model`.

    Parameters
    ----------
    run_dir : str or Path
        The run folder.
    data_path : str or Path
        Table with a variant column.
    out_csv : str or Path, optional
        Where to write the result (CSV/TSV/Parquet by suffix).
    variant_column : str, optional
        Default the training column name.
    offset : int, optional
        Number of the first wild-type residue in the table's variant names; default the
        run's (``--offset`` of training).

    Returns
    -------
    pandas.DataFrame
        The input table plus a ``prediction`` column and, for a run with at least 40 test
        variants, ``lower_95`` and ``upper_95``: a 95 % interval as wide as 95 % of the
        run's test errors for variants of as many mutations (:func:`interval_widths`).
        When every value of the training table was 0 or more (activity as % of wild type),
        predictions and bounds below 0 are given as 0. Also written to ``out_csv``.
    """
    config, est = _load_run(run_dir)
    column = variant_column or config["variant_column"]
    df = read_table(data_path)
    variants, pred = _predict_table(est, df, data_path, column, config, offset)
    _beyond_training(config, df, column, variants, _training_variants(run_dir, config))
    added = pd.DataFrame({"prediction": pred})
    bounds = _intervals(config, variants, pred)
    if bounds is not None:
        added["lower_95"], added["upper_95"] = bounds
    else:
        from .progress import say

        say(f"[yellow]{_no_intervals_note(config.get('n_test'))}[/yellow]")
    result = join_outputs(df, added)
    if out_csv is not None:
        from .io.writers import write_table

        write_table(result, out_csv)
    return result


def evaluate_variant_model(run_dir, data_path, out=None, variant_column: str | None = None,
                           target_column: str | None = None, offset: int | None = None) -> dict:
    """Score a protein-variant run folder on another labelled table of variants.

    Parameters
    ----------
    run_dir : str or Path
        A run folder from :func:`train_variant_model`.
    data_path : str or Path
        Table with the variant and target columns (default the training names).
    out : str or Path, optional
        Folder to create with ``metrics.json``, ``predictions.csv``,
        ``observed_vs_predicted.png`` and ``report.html`` (nothing is left on failure).
    variant_column, target_column : str, optional
        Default the training column names. ``target_column`` may also map the run's
        target to this table's column: ``"fitness=measured"``.
    offset : int, optional
        Number of the first wild-type residue in the table's variant names; default the
        run's.

    Returns
    -------
    dict
        :func:`biochemml.metrics.regression_metrics` of the table (``r2``, ``spearman``...),
        with ``intervals`` (each score's bootstrap 95 % interval) and ``intervals_over``
        (what was resampled). For a run trained with ``split="position"`` the bootstrap
        draws the table's mutated positions, all variants of a drawn position together
        (:func:`biochemml.metrics.cluster_intervals`), as the run's own test scores did;
        otherwise it draws variants.
    """
    from .metrics import regression_metrics

    config, est = _load_run(run_dir)
    column = variant_column or config["variant_column"]
    target = target_column or config["target_column"]
    if out is not None:
        from .io.writers import check_new_folder

        check_new_folder(out)
    df = read_table(data_path)
    if target_column is not None:  # "run target=table column", as sequence runs take it
        from .runs import _target_pairs

        pairs = _target_pairs([config["target_column"]], [target_column], df)
        target = pairs[config["target_column"]] if pairs else target
    require_columns(df, [column, target], path=data_path)
    y = numeric_column(df, target)
    if len(df) < 2:
        raise InputError("at least 2 labelled variants are needed to score a model",
                         path=data_path)
    variants, pred = _predict_table(est, df, data_path, column, config, offset)
    result = regression_metrics(y, pred)
    train = _training_variants(run_dir, config)  # read once for both
    seen = _seen_variants(config, variants, train)
    notes = _beyond_training(config, df, column, variants, train)
    constant = _constant_note(y, "variants", target)
    if constant:
        from .progress import say

        notes.append(constant)
        say(f"[yellow]Notice[/yellow]: {constant}")
    scored = np.ones(len(y), dtype=bool)  # the rows of the headline: all, or the unseen
    if seen is not None and seen.any():
        from .progress import say

        text = (f"{int(seen.sum())} of the {len(variants)} variants were in the training set: "
                "the model learnt their values, so the scores on all rows flatter it")
        if (~seen).sum() >= 2:
            # the headline and the figure are the unseen rows' (all rows under "all_rows")
            scored = ~seen
            unseen = regression_metrics(y[scored], pred[scored])
            result = {**unseen, "unseen": unseen, "all_rows": result}
            text += (f". The scores and the figure here are those of the {int(scored.sum())} "
                     f"unseen variants alone (R² {unseen['r2']:.3f}, Spearman "
                     f"{unseen['spearman']:.3f}); the scores of all rows are under all_rows "
                     "in metrics.json")
        notes.append(text + ".")
        say(f"[yellow]{text}.[/yellow]")
    bounds = _intervals(config, variants, pred)
    if bounds is not None:  # how many measured values the run's 95 % intervals hold
        inside = (y >= bounds[0]) & (y <= bounds[1])
        result["interval_95_coverage"] = float(inside[scored].mean())
        from .runs import MIN_CALIBRATION_ROWS

        few = int(scored.sum()) < MIN_CALIBRATION_ROWS
        text = (f"The run's 95 % prediction intervals hold {inside[scored].mean():.0%} of the "
                f"{int(scored.sum())} measured values scored here"
                + (f" (too few to judge: {MIN_CALIBRATION_ROWS} or more are needed)" if few
                   else " (under 90 %: these variants are harder than the run's test variants)"
                   if inside[scored].mean() < 0.9 else ""))
        notes.append(text + ".")
        from .progress import say

        say(text)
    intervals_over = "test examples"
    if scored.sum() >= 3:  # the headline's 95 % intervals, a bootstrap over its variants
        from .metrics import with_intervals

        clusters = _evaluation_clusters(config, variants, scored)
        if clusters is None:
            result["intervals"] = with_intervals(regression_metrics, y[scored], pred[scored],
                                                 n_boot=1000, seed=0)
            intervals_over = result["intervals_over"] = "variants"
        else:  # a position-split run: positions are the units, as its test scores had them
            from .metrics import cluster_intervals
            from .progress import say

            clusters, n_positions = clusters
            result["intervals"] = cluster_intervals(y[scored], pred[scored], clusters,
                                                    n_boot=1000, seed=0)
            unmutated = len(clusters) - n_positions
            intervals_over = result["intervals_over"] = (
                f"the {n_positions} mutated positions (all their variants)"
                + (f" and the {unmutated} wild-type rows" if unmutated else ""))
            text = (f"The 95 % intervals of the scores are a bootstrap over the "
                    f"{n_positions} mutated positions of this table: each resample draws "
                    "positions with replacement and takes all their variants, as the run's "
                    "test scores were (it was trained with --split position), since variants "
                    "at one position share its effect and are not independent tests.")
            notes.append(text)
            say(text)
    if out is not None:
        from . import plot
        from .report import write_report

        with atomic_folder(out) as tmp:
            (tmp / "metrics.json").write_text(_metrics_json(result))
            from . import provenance
            from .runs import write_yaml

            write_yaml(tmp / "evaluation.yaml", {  # what was scored with what, to trace it
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "model": str(Path(run_dir).resolve()), "data": str(data_path),
                "variant_column": column, "target_column": target,
                "provenance": provenance.record(data_path)})
            added = pd.DataFrame({"prediction": pred})
            if bounds is not None:
                added["lower_95"], added["upper_95"] = bounds
            if seen is not None:
                added["in_training_set"] = seen
            join_outputs(df, added).to_csv(tmp / "predictions.csv", index=False)
            plot.observed_vs_predicted(y[scored], pred[scored],
                                       path=tmp / "observed_vs_predicted.png", label=str(target))
            shown = {k: result.get("intervals", {}).get(k, v) for k, v in result.items()
                     if k in ("r2", "pearson", "spearman", "mae", "rmse")}
            write_report(tmp / "report.html", f"Evaluation of {run_dir}",
                         summary={"model": f"{run_dir} ({config['model']})",
                                  "data": str(data_path), "variants": len(df)},
                         metrics=shown, notes=notes, intervals_over=intervals_over,
                         figures=[(f"Measured vs predicted {target}",
                                   tmp / "observed_vs_predicted.png")])
    return result


def _evaluation_clusters(config: dict, variants, scored):
    """``(clusters, n_positions)``: the scored variants grouped by mutated position
    (indices among the scored rows; the wild-type rows, if any, one cluster each after the
    ``n_positions`` positions) for a run trained with ``split="position"``, whose test
    scores resampled positions; None for other runs, whose intervals resample variants."""
    if config.get("split") != "position" or config.get("split_column"):
        return None
    from .protein.metrics import variant_position_clusters
    from .protein.mutations import variant_table

    kept = [variants[i] for i in np.flatnonzero(scored)]
    rows, index, _ = variant_table(kept, config["wildtype"], int(config.get("offset", 0)))
    return variant_position_clusters(rows, index, len(kept)), int(np.unique(index).size)


def _absolute(path) -> str | None:
    """``path`` as an absolute path for config.yaml, so the run can be re-run from
    anywhere; None stays None, and a Structure given in Python is named by its file."""
    if path is None:
        return None
    path = getattr(path, "path", path)  # a biochemml.structure.Structure
    if path is None:
        return None
    return str(Path(path).resolve())


def _metrics_json(metrics: dict) -> str:
    """``metrics`` as strict JSON: an undefined score (NaN) is ``null``, not ``NaN``."""
    from .runs import _json_ready

    return json.dumps(_json_ready(metrics), indent=2, allow_nan=False)


def _constant_note(y, what: str, target: str) -> str | None:
    """Why R², Pearson and Spearman are n/a when every measured value is the same, or None."""
    y = np.asarray(y, dtype=float)
    if y.size < 2 or np.ptp(y) > 0:
        return None
    return (f"All {y.size} {what} have the same {target} ({y[0]:g}): R², Pearson and Spearman "
            "are undefined (n/a) because the measured values do not vary; only the errors "
            "(MSE, MAE) say anything.")


#: share of the test variants at positions training variants also mutate above which a
#: run says that its score is for measured positions (as near_relatives_note does for
#: sequences)
MEASURED_POSITIONS_SHARE = 0.5


def _measured_positions_note(rows, index, test) -> str | None:
    """A sentence when most mutated test variants change only positions that training
    variants also change, else None: the score is then for new substitutions at measured
    positions, which a deep scan makes easy, not for positions the model never saw.

    ``rows``, ``index``: the variant (row) and 0-based position of each mutation
    (:func:`~biochemml.protein.mutations.variant_table`); ``test``: (N,) bool.
    """
    trained = np.zeros(int(index.max()) + 1 if index.size else 0, dtype=bool)
    trained[index[~test[rows]]] = True
    in_test = test[rows]
    mutated = np.unique(rows[in_test])
    if not mutated.size:
        return None
    new_position = np.zeros(len(test), dtype=bool)
    new_position[rows[in_test & ~trained[index]]] = True
    k = int((~new_position[mutated]).sum())
    if k <= MEASURED_POSITIONS_SHARE * mutated.size:
        return None
    return (f"{k:,} of the {mutated.size:,} mutated test variants ({k / mutated.size:.0%}) "
            "change only positions that training variants also change: the score is for "
            "new substitutions at measured positions. To score positions the model never "
            "saw, train again with --split position (split='position' in Python).")


def _copies_note(df, codes, test, *, random: bool) -> str | None:
    """A sentence on variants that occur more than once, or None: with a random split
    their copies were kept on one side; otherwise, say how many straddle the split (a test
    copy of a training variant flatters the test score); ``codes`` number the distinct
    variants (:func:`_variant_codes`)."""
    from .io.tables import rows_text

    repeated = np.bincount(codes)[codes] > 1
    if not repeated.any():
        return None
    n = len(set(codes[repeated]))
    said = (f"{n} variant{' occurs' if n == 1 else 's occur'} more than once "
            f"({rows_text(df, np.flatnonzero(repeated))}; the same mutations, however written)")
    if random:
        return said + ": each variant's copies were kept on one side of the split."
    both = set(codes[test]) & set(codes[~test])
    if not both:
        return said + "; no variant is on both sides of the split."
    return (said + f"; {len(both)} of them {'is' if len(both) == 1 else 'are'} in both the "
            "training and the test set, which flatters the test score: average the copies, "
            "or keep them on one side (--split random does).")


def _variant_codes(variants, wildtype: str, offset: int):
    """The variants numbered by identity, once for the split and its note: ``codes``
    (shape ``(N,)``, in order of first appearance) and the ``distinct`` keys of
    :func:`_variant_keys` (the wild type's is empty)."""
    return pd.factorize(pd.Series(_variant_keys(variants, wildtype, offset), dtype=object))


def _variant_keys(variants, wildtype: str, offset: int) -> list:
    """Each variant as a set of (0-based position, new residue): notation-free, so
    ``A108D:N144D``, ``SN144D;SA108D`` and ``N144D,A108D`` are one key."""
    from .protein.mutations import variant_table

    rows, index, mt = variant_table(list(variants), wildtype, offset)
    keys = [set() for _ in variants]
    for r, i, m in zip(rows.tolist(), index.tolist(), mt.tolist()):
        keys[r].add((i, m))
    return [frozenset(k) for k in keys]


def _seen_variants(config: dict, variants, train) -> np.ndarray | None:
    """Which ``variants`` were among the run's training variants ``train``
    (:func:`_training_variants`); None when the run folder does not say (``train`` None)."""
    if train is None:
        return None
    wildtype, offset = config["wildtype"], int(config.get("offset", 0))
    known = set(_variant_keys(train, wildtype, offset))
    return np.array([k in known for k in _variant_keys(variants, wildtype, offset)])


def _beyond_training(config: dict, df, column: str, variants, train) -> list:
    """Say (and return, for a report) which variants of a table lie beyond the training
    data: a stop when no training variant had one, a position no training variant
    touches, more mutations than any training variant; and the empty cells, which are
    predicted as the wild type. ``variants`` are in the run's numbering; ``train`` the
    run's training variants (:func:`_training_variants`), None when unknown."""
    from .progress import say
    from .protein.mutations import variant_table
    from .io.tables import rows_text

    def told(index, what: tuple) -> str:  # what: (verb for one, verb for several, rest)
        k = len(index)
        return (f"{k} of the {len(variants)} variants {what[int(k != 1)]} {what[2]} "
                f"({rows_text(df, index)})")

    notes = []
    raw = df[column]
    empty = np.flatnonzero((raw.isna() | (raw.astype(str).str.strip() == "")).to_numpy())
    if empty.size:
        notes.append(f"{_rows(empty.size)} with an empty variant "
                     f"({rows_text(df, empty)}) {'is' if empty.size == 1 else 'are'} "
                     "predicted as the wild type.")
    if train is not None:
        wildtype, offset = config["wildtype"], int(config.get("offset", 0))
        t_rows, t_index, t_mt = variant_table(train, wildtype, offset)
        rows, index, mt = variant_table(list(variants), wildtype, offset)
        beyond = []
        if not (t_mt == ord("*")).any():
            beyond.append((np.unique(rows[mt == ord("*")]),
                           ("carries", "carry", "a stop (*), and no training variant did")))
        new_positions = np.unique(rows[~np.isin(index, t_index)])
        most = int(np.bincount(t_rows).max()) if t_rows.size else 0
        counts = np.bincount(rows, minlength=len(variants))
        beyond.append((np.flatnonzero(counts > most),
                       ("carries", "carry",
                        f"more mutations than any training variant (at most {most})")))
        position_split = config.get("split") == "position" and not config.get("split_column")
        if new_positions.size and position_split:
            # such variants are what the run was tested on: no warning, but say so
            notes.append(told(new_positions, ("mutates", "mutate",
                                              "a position no training variant touches"))
                         + ": so did the run's test variants (it was trained with --split "
                         "position), so its test scores and 95 % intervals were measured on "
                         "variants like these.")
        elif new_positions.size:
            beyond.insert(len(beyond) - 1, (new_positions, ("mutates", "mutate",
                                                          "a position no training variant touches")))
        notes += [told(index, what) + ": the model extrapolates there, so their predictions "
                  "are less certain than its test scores suggest." for index, what in beyond
                  if index.size]
    for note in notes:
        say(f"[yellow]Notice[/yellow]: {note}")
    return notes


def _training_variants(run_dir, config: dict) -> list | None:
    """The training variants of a run (read from its predictions.csv), or None when the
    run folder does not say."""
    path = Path(run_dir) / "predictions.csv"
    if not path.exists():
        return None
    column = config["variant_column"]
    saved = pd.read_csv(path, dtype={column: str}, keep_default_na=False)
    if "split" not in saved or column not in saved:
        return None
    return saved.loc[saved["split"] == "train", column].tolist()
