"""Train and apply a protein-variant model as a run folder (what ``--task protein-variant`` calls).

A run folder holds ``model.pkl``, ``config.yaml``, ``metrics.json``, ``predictions.csv``
and figures: ``observed_vs_predicted.png``, ``position_effects.png`` (mean predicted
effect of every single substitution, position x amino acid), with a structure
``distance_map.png`` and ``effects_bfactor.pdb`` (mean predicted effect per residue in
the B-factor column: in PyMOL ``spectrum b, red_white_blue``).
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
from .io import numeric_column, read_table, require_columns
from .io.writers import atomic_folder


def read_wildtype(wildtype) -> str:
    """A wild-type sequence from a FASTA file (first record) or given as a string."""
    text = str(wildtype)
    path = Path(text)
    if len(text) < 400 and path.suffix and path.exists():
        from .io import read_fasta

        return str(read_fasta(path)["sequence"].iloc[0]).strip().upper()
    if path.suffix.lower() in (".fa", ".fasta", ".faa", ".fas") and not path.exists():
        raise InputError("the wild-type FASTA file does not exist", path=path)
    return text.strip().upper()


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


def _figures(model, wildtype, offset, structure, truth, pred, out: Path) -> dict:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from . import plot

    figs = {}
    plot.observed_vs_predicted(truth, pred, path=out / "observed_vs_predicted.png",
                               label="measured effect")
    figs["observed_vs_predicted"] = "observed_vs_predicted.png"
    variants, pos, res = _single_mutant_scan(wildtype, offset)
    effect = model.predict(variants)
    grid = np.full((20, len(wildtype)), np.nan)
    grid[[PROTEIN.symbols.index(a) for a in res], pos] = effect
    fig, ax = plt.subplots(figsize=(min(2 + len(wildtype) / 12, 30), 4))
    image = ax.imshow(grid, aspect="auto", cmap="RdBu", interpolation="nearest")
    ax.set_yticks(range(20), list(PROTEIN.symbols))
    ax.set_xlabel(f"position (numbered from {offset})")
    ax.set_ylabel("new residue")
    fig.colorbar(image, ax=ax, label="predicted effect")
    ax.set_title("Predicted effect of every single substitution")
    fig.savefig(out / "position_effects.png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    figs["position_effects"] = "position_effects.png"
    per_residue = np.nanmean(grid, axis=0)
    pd.DataFrame({"position": np.arange(len(wildtype)) + offset, "residue": list(wildtype),
                  "mean_predicted_effect": per_residue}).to_csv(out / "position_effects.csv",
                                                                index=False)
    if structure is not None:
        from . import structure as S

        st = S.read(structure)
        st = st.select(st.chains[0])
        fig = S.plot_structure_map(st, out=out / "distance_map.png")
        plt.close(fig)
        figs["distance_map"] = "distance_map.png"
        if len(st) == len(wildtype):
            span = np.nanmax(np.abs(per_residue)) or 1.0
            scale = 1.0 if span < 99 else 99.0 / span
            S.write_bfactors(st, per_residue * scale, out / "effects_bfactor.pdb")
            figs["effects_bfactor"] = "effects_bfactor.pdb"
    return figs


def train_variant_model(data_path, wildtype_fasta, variant_column: str = "variant",
                        target_column: str = "score", structure=None, offset: int = 0,
                        out="runs/protein-variant", seed: int = 0, model: str | None = None,
                        test_size: float = 0.2, split_column: str | None = None,
                        model_params: dict | None = None) -> dict:
    """Fit a variant-effect model on a table of variants and write a run folder.

    Parameters
    ----------
    data_path : str or Path
        CSV/TSV/Parquet table with a variant column (``A108D:N144D``, ``SA108D``,
        ``M0I,S1G``; empty = wild type) and a numeric target column. Other columns are
        ignored.
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
    model : {"additive", "sequence", "structure", "graph", "image", "ensemble"}, optional
        Default ``"structure"`` with a structure, else ``"sequence"``. ``"graph"`` is the
        message-passing network over the residue graph
        (:class:`biochemml.protein.GraphVariantRegressor`); ``"image"`` a 2D CNN on
        distance-map crops with mutation channels
        (:class:`biochemml.protein.DistanceMapCNNRegressor`); ``"ensemble"`` averages the
        graph network with the structure-aware boosting.
    test_size : float
        Fraction of rows held out (random) to measure the model; ignored with
        ``split_column``.
    split_column : str, optional
        Column whose ``test`` rows are held out (e.g. ``split`` for the avGFP TAPE split).
    model_params : dict, optional
        Extra settings of the model (e.g. ``{"max_iter": 100}``; see
        :mod:`biochemml.protein.models`).

    Returns
    -------
    dict
        The metrics written to ``metrics.json``.
    """
    from .metrics import regression_metrics
    from .protein.models import build_variant_model
    from .protein.mutations import variant_table

    df = read_table(data_path)
    require_columns(df, [variant_column])
    variants = df[variant_column].fillna("").astype(str).tolist()
    y = numeric_column(df, target_column)
    wildtype = read_wildtype(wildtype_fasta)
    try:
        variant_table(variants, wildtype, offset)
    except InputError as err:
        row = None if err.row is None else err.row + df.attrs.get("first_row", 1) - 1
        raise InputError(err.message, path=data_path, row=row, column=variant_column) from None
    name = model or ("structure" if structure is not None else "sequence")
    if split_column is not None:
        require_columns(df, [split_column])
        test = (df[split_column].astype(str) == "test").to_numpy()
    else:
        if not 0 < test_size < 1:
            raise InputError(f"test_size must be between 0 and 1, not {test_size}")
        test = np.zeros(len(df), dtype=bool)
        test[np.random.RandomState(seed).permutation(len(df))[:max(1, int(round(test_size * len(df))))]] = True
    if test.all() or not test.any():
        raise InputError("the split leaves no training or no test rows")
    est = build_variant_model(name, wildtype, structure=None if structure is None else str(structure),
                              offset=offset, seed=seed, **(model_params or {}))
    est.fit([variants[i] for i in np.flatnonzero(~test)], y[~test])
    pred = est.predict(variants)
    metrics = {"test": regression_metrics(y[test], pred[test]),
               "train": regression_metrics(y[~test], pred[~test])}
    # written under a temporary name and renamed at the end: a failure leaves nothing behind
    with atomic_folder(out) as out:
        with open(out / "model.pkl", "wb") as handle:
            pickle.dump(est, handle)
        table = pd.DataFrame({variant_column: variants, target_column: y,
                              "split": np.where(test, "test", "train"), "prediction": pred})
        table.to_csv(out / "predictions.csv", index=False)
        figs = _figures(est, wildtype, offset, structure, y[test], pred[test], out)
        config = {"task": "protein-variant", "model": name, "data": str(data_path),
                  "wildtype": wildtype, "variant_column": variant_column,
                  "target_column": target_column,
                  "structure": None if structure is None else str(structure),
                  "offset": offset, "seed": seed, "test_size": test_size,
                  "split_column": split_column, "model_params": model_params or {},
                  "n_train": int((~test).sum()), "n_test": int(test.sum()), "figures": figs,
                  "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        import yaml

        (out / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
        _write_report(out, config, metrics)
    return metrics


_CAPTIONS = {
    "observed_vs_predicted": "Observed vs predicted effect (test variants)",
    "position_effects": "Mean predicted effect of each substitution along the sequence",
    "distance_map": "Residue-residue distance map of the structure",
}


def _write_report(out: Path, config: dict, metrics: dict) -> None:
    """One self-contained report.html for a protein-variant run."""
    from .report import write_report

    figures = [(_CAPTIONS.get(k, k), out / v) for k, v in config["figures"].items()
               if str(v).endswith(".png")]
    notes = []
    if config["structure"]:
        notes.append("effects_bfactor.pdb holds the mean predicted effect of each residue in its "
                     "B-factor column: colour it in PyMOL (spectrum b) or ChimeraX (color bfactor).")
    summary = {"data": config["data"], "task": "protein variant -> activity",
               "model": config["model"], "structure": config["structure"] or "none",
               "training / test variants": f"{config['n_train']} / {config['n_test']}",
               "seed": config["seed"]}
    shown = {k: v for k, v in metrics["test"].items() if k in ("r2", "pearson", "spearman", "mae", "rmse")}
    write_report(out / "report.html", "biochemml protein-variant run", summary=summary,
                 metrics=shown, figures=figures, notes=notes, config=config)


def predict_variant_model(run_dir, data_path, out_csv=None, variant_column: str | None = None):
    """Predict the variants of a table with a run folder from :func:`train_variant_model`.

    Returns
    -------
    pandas.DataFrame
        The input table plus a ``prediction`` column (also written to ``out_csv``).
    """
    import yaml

    run_dir = Path(run_dir)
    if not (run_dir / "model.pkl").exists() or not (run_dir / "config.yaml").exists():
        raise ModelError(f"{run_dir} is not a protein-variant run folder (model.pkl and "
                         "config.yaml are needed)")
    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    with open(run_dir / "model.pkl", "rb") as handle:
        est = pickle.load(handle)
    column = variant_column or config["variant_column"]
    df = read_table(data_path)
    require_columns(df, [column])
    variants = df[column].fillna("").astype(str).tolist()
    try:
        pred = est.predict(variants)
    except InputError as err:
        row = None if err.row is None else err.row + df.attrs.get("first_row", 1) - 1
        raise InputError(err.message, path=data_path, row=row, column=column) from None
    result = df.copy()
    result["prediction"] = pred
    if out_csv is not None:
        from .io.writers import write_table

        write_table(result, out_csv)
    return result
