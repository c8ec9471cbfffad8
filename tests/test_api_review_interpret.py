"""Public API review: filter motif order, saved model files, ids of mutagenesis, N positions."""
from __future__ import annotations

import numpy as np
import pytest

from biochemml import SequenceClassifier
from biochemml.design import evolve
from biochemml.errors import InputError, ModelError
from biochemml.interpret import filter_influence, filter_motifs, mutagenesis
from biochemml.plot import mutagenesis_map
from biochemml.simulate import lecture_pwm, motif_dataset


@pytest.fixture(scope="module")
def small():
    """A small CNN on the course's CCGGAA data (a few seconds on one core)."""
    df = motif_dataset(lecture_pwm(), 400, 400, seed=0)
    clf = SequenceClassifier(seed=0, epochs=4).fit(df.sequence, df.label)
    return df, clf


# ------------------------------------------------------------ item 4: motif order
def test_filter_motifs_are_sorted_by_influence_by_default(small):
    df, clf = small
    motifs = filter_motifs(clf, df.sequence)
    influence = filter_influence(clf, df.sequence)  # 800 sequences: all of them, as inside
    values = [influence[m.name] for m in motifs]
    assert len(motifs) > 3 and values == sorted(values, reverse=True)
    # motifs[0] is the most influential filter that has a motif, not the sharpest one
    assert motifs[0].name == next(name for name in influence.index
                                  if name in {m.name for m in motifs})
    # a given influence orders the same way without measuring again
    assert [m.name for m in filter_motifs(clf, df.sequence, influence=influence)] \
        == [m.name for m in motifs]


def test_information_order_is_still_available(small):
    df, clf = small
    motifs = filter_motifs(clf, df.sequence, order="information")
    info = [float(m.information_content().sum()) for m in motifs]
    assert info == sorted(info, reverse=True)
    with pytest.raises(InputError, match="order must be 'influence' or 'information'"):
        filter_motifs(clf, df.sequence, order="ic")


# ------------------------------------------------------------ item 7: model files
def test_a_saved_model_file_is_loaded(small, tmp_path):
    df, clf = small
    path = clf.save(tmp_path / "clf.pt")
    seq = df.sequence.iloc[0]
    from_file = mutagenesis(str(path), [seq])
    np.testing.assert_allclose(from_file.effects, mutagenesis(clf, [seq]).effects, atol=1e-5)
    assert filter_motifs(path, df.sequence, order="information")
    assert len(evolve(path, [seq], rounds=1)) == 1
    with pytest.raises(ModelError, match="does not exist: pass a fitted model, a model file"):
        mutagenesis(tmp_path / "missing.pt", [seq])


# ------------------------------------------------------------ item 11: ids follow the index
def test_mutagenesis_ids_follow_the_series_index(small, tmp_path):
    df, clf = small
    few = df.sequence.iloc[[5, 2, 9]].set_axis([6529, 4672, 3996])
    result = mutagenesis(clf, few)
    assert result.ids == [6529, 4672, 3996]
    table = result.to_frame()
    assert table.id.unique().tolist() == [6529, 4672, 3996]
    # the table merges back on the DataFrame's index: each id's reference letters are its own
    first = table[table.position == 1].drop_duplicates("id").set_index("id").reference
    assert all(first[i] == few[i][0] for i in few.index)
    fig = mutagenesis_map(result, tmp_path / "m.png", index=1)
    assert "sequence 4672" in fig.axes[0].get_title()
    # a list keeps positions; explicit ids still win
    assert mutagenesis(clf, list(few)).to_frame().id.unique().tolist() == [0, 1, 2]
    assert result.to_frame(ids=["a", "b", "c"]).id.unique().tolist() == ["a", "b", "c"]


# ------------------------------------------------------------ item 13: N positions
def test_importance_at_an_n_is_nan(small):
    _, clf = small
    result = mutagenesis(clf, ["ATTGCCGGAANTCAGTCCAT"])
    assert np.isnan(result.importance[0, 10])
    assert np.isfinite(np.delete(result.importance[0], 10)).all()
    assert np.isfinite(result.effects[0, 10]).all()  # every letter is still tried there
    table = result.to_frame()
    assert table[table.position == 11].importance.isna().all()
