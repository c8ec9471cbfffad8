"""The model registry, the course's CNN and the Keras-like summary."""
import pytest
import torch

from biochemml.encode import one_hot
from biochemml.errors import InputError
from biochemml.models import available, build, count_parameters, summary


def _x(seqs, length, pad="left", alphabet="dna"):
    """Channels-first one-hot ``(N, C, L)`` float tensor, as the models take it."""
    return torch.as_tensor(one_hot(seqs, alphabet=alphabet, length=length,
                                   pad=pad).transpose(0, 2, 1)).float()


def test_lecture_cnn_has_the_courses_parameter_counts():
    # valid padding: conv 4*5*10+10 = 210, dense (16//4)*10*2+2 = 82
    assert count_parameters(build("lecture-cnn", input_length=20)) == 292
    # same padding: dense (20//4)*10*2+2 = 102
    assert count_parameters(build("lecture-cnn", input_length=20, padding="same")) == 312


def test_lecture_cnn_output_shape_and_channels_first_input():
    model = build("lecture-cnn", 20)
    out = model(torch.zeros(7, 4, 20))
    assert out.shape == (7, 2)


def test_summary_reads_like_the_course_printout():
    text = summary(build("lecture-cnn", 20))
    assert "(None, 16, 10)" in text and "210" in text
    assert "(None, 4, 10)" in text
    assert "(None, 2)" in text and "82" in text
    assert "Total params: 292" in text


@pytest.mark.parametrize("task,n_out", [("classification", 3), ("regression", 1), ("regression", 4)])
def test_cnn_builds_for_every_task(task, n_out):
    model = build("cnn", 50, task=task, n_outputs=n_out, head="global")
    assert model(torch.zeros(2, 4, 50)).shape == (2, n_out)


def test_cnn_on_protein_alphabet_has_20_input_channels():
    model = build("cnn", 30, alphabet="protein", task="regression", n_outputs=1)
    assert model.blocks[0].conv.in_channels == 20
    assert model(torch.zeros(3, 20, 30)).shape == (3, 1)


def test_registry_lists_both_course_models():
    names = available()
    assert "lecture-cnn" in names and "cnn" in names


def test_build_errors_are_sentences():
    with pytest.raises(InputError, match="unknown model 'nope'"):
        build("nope", 20)
    with pytest.raises(InputError, match="task must be"):
        build("cnn", 20, task="clustering")
    with pytest.raises(InputError, match="n_outputs"):
        build("cnn", 20, n_outputs=1)
    with pytest.raises(InputError, match="too short"):
        build("lecture-cnn", 6)
    with pytest.raises(InputError, match="padding"):
        build("lecture-cnn", 20, padding="full")
    with pytest.raises(InputError, match="does not take"):
        build("lecture-cnn", 20, colour="blue")


def test_framepool_ignores_padding_and_sees_the_reading_frame():
    torch.manual_seed(0)
    short, long = build("framepool", 40, task="regression", n_outputs=1), \
        build("framepool", 90, task="regression", n_outputs=1)
    long.load_state_dict(short.state_dict())   # no weight depends on the length
    short.eval(), long.eval()
    utrs = ["GGCACGATGCCTAGCAAGTTCCA", "ACGTTAGCATGCCGATAGGCTTACGGATCCAAGGTCAT"]
    with torch.no_grad():
        torch.testing.assert_close(short(_x(utrs, 40)), long(_x(utrs, 90)))
        right = _x(utrs, 40, pad="right")
        torch.testing.assert_close(short(right), long(_x(utrs, 90)))
        # the same uAUG one base further from the start codon is in another frame:
        # with "features" = the A indicator, the per-frame means swap frames
        a, b = "CCCCCATGCCCCCCCCC", "CCCCATGCCCCCCCCCC"
        feats = []
        for s in (a, b):
            xs = _x([s], 40)
            feats.append(short._frame_pool((xs.sum(1) > 0).float(), xs[:, :1]))
    means = [f[0, [0, 2, 4]] for f in feats]          # mean of A per frame 0, 1, 2
    assert means[0].count_nonzero() == 1 and means[1].count_nonzero() == 1
    assert int(means[0].argmax()) != int(means[1].argmax())
    with pytest.raises(InputError, match="pools=1"):
        build("framepool", 40, task="regression", n_outputs=1, pools=2)


def test_framepool_position_gate_counts_distance_from_the_3_prime_end():
    torch.manual_seed(0)
    net = build("framepool", 40, task="regression", n_outputs=1, position_gate=True).eval()
    assert net.end_gate_logits.shape == (128, 40)            # (filters, distance from the end)
    utrs = ["GGCACGATGCCTAGCAAGTTCCA", "ACGTTAGCATGCCGATAGGCTTACGGATCCAAGGTCAT"]
    with torch.no_grad():
        # starts at 0.5 everywhere: plain FramePool with its features halved
        plain = build("framepool", 40, task="regression", n_outputs=1).eval()
        plain.load_state_dict({k: v for k, v in net.state_dict().items()
                               if k != "end_gate_logits"})
        real = (_x(utrs, 40).sum(1) > 0).float()
        h = torch.rand(2, 128, 40)
        torch.testing.assert_close(net._frame_pool(real, h)[:, :-1],
                                   plain._frame_pool(real, 0.5 * h)[:, :-1])
        # the gate follows each sequence's 3' end, whatever the padding
        net.end_gate_logits.normal_()
        torch.testing.assert_close(net(_x(utrs, 40)), net(_x(utrs, 40, pad="right")))
        # closing the gate at the last 3 bases (one of each frame) silences them only
        net.end_gate_logits.fill_(30.0)
        net.end_gate_logits[:, :3] = -30.0
        feats = net._frame_pool(torch.ones(1, 40), torch.ones(1, 128, 40))
    # frame 0 holds distances 0, 3, ..., 39 (14 bases); frames 1 and 2 hold 13 each
    means = feats[0, [0, 2 * 128, 4 * 128]]
    torch.testing.assert_close(means, torch.tensor([13 / 14, 12 / 13, 12 / 13]))
    assert feats[0, 128] == pytest.approx(1.0)    # the max of frame 0 comes from elsewhere
    with pytest.raises(InputError, match="head 'frame' only"):
        build("cnn", 40, task="regression", n_outputs=1, head="global", position_gate=True)


def test_an_n_inside_a_sequence_is_a_base_not_padding():
    from biochemml.models.cnn import real_positions

    def x(seqs, pad):
        return _x(seqs, 16, pad)

    for pad in ("left", "right"):
        known, unknown = x(["ATGAAACAAAC"], pad), x(["ATGAAANAAAC"], pad)
        assert unknown[0, :, (6 if pad == "right" else 11)].sum() == 0  # N: an all-zero column
        # the N keeps its place: the uATG's A stays in its frame from the 3' end
        torch.testing.assert_close(real_positions(unknown), real_positions(known))
        assert real_positions(known).sum() == 11
    # knowing the padding side, an N at the sequence's end is a base too (the end next to
    # the start codon for 5' UTRs), and at the start of a right-padded one
    torch.testing.assert_close(real_positions(x(["ATGAAACAAAN"], "left"), "left"),
                               real_positions(x(["ATGAAACAAAC"], "left"), "left"))
    torch.testing.assert_close(real_positions(x(["NTGAAACAAAC"], "right"), "right"),
                               real_positions(x(["ATGAAACAAAC"], "right"), "right"))
    assert real_positions(x(["ATGAAACAAAN"], "left")).sum() == 10  # side unknown: dropped
    assert real_positions(x(["ATGAAACAAAC"], "none"), "none").sum() == 16
    torch.manual_seed(0)
    net = build("framepool", 16, task="regression", n_outputs=1).eval()
    known, unknown = x(["ATGAAACAAAC"], "left"), x(["ATGAAANAAAC"], "left")
    with torch.no_grad():  # the length feature counts the N too
        assert net._frame_pool(real_positions(unknown), unknown)[0, -1] == pytest.approx(0.11)


def test_dilated_cnn_learns_a_protein_signal_and_ignores_padding():
    import numpy as np

    from biochemml.estimators import SequenceRegressor

    rng = np.random.default_rng(0)
    aa = list("ACDEFGHIKLMNPQRSTVWY")
    seqs = ["".join(rng.choice(aa, rng.integers(30, 41))) for _ in range(1000)]
    # a position-free signal: tryptophans and "KR" dipeptides anywhere in the chain
    y = np.array([s.count("W") + 2.0 * s.count("KR") for s in seqs]) + rng.normal(0, 0.3, 1000)
    est = SequenceRegressor(model="dilated-cnn", alphabet="protein", epochs=15, seed=0)
    est.fit(seqs[:800], y[:800])
    assert est.score(seqs[800:], y[800:]) > 0.6

    torch.manual_seed(0)
    short = build("dilated-cnn", 41, alphabet="protein", task="regression", n_outputs=1)
    long = build("dilated-cnn", 90, alphabet="protein", task="regression", n_outputs=1)
    long.load_state_dict(short.state_dict())
    short.eval(), long.eval()

    with torch.no_grad():
        torch.testing.assert_close(short(_x(seqs[:3], 41, "right", "protein")),
                                   long(_x(seqs[:3], 90, "left", "protein")))


def test_auto_description_covers_both_tasks_and_the_classification_default():
    from biochemml.presets import DEFAULT_MODEL

    text = available()["auto"]
    assert "\n" not in text
    assert "Regression default" in text and "classification" in text
    assert f"default is {DEFAULT_MODEL['classification']}" in text
    assert "mlp for sequences up to 20 nt" in text and "framepool" in text


def test_too_short_errors_name_the_minimum_length_and_a_model_for_short_sequences():
    with pytest.raises(InputError) as err:
        build("lecture-cnn", 7)
    assert "need at least 8 positions" in err.value.message
    assert "--model mlp" in err.value.message
    assert count_parameters(build("lecture-cnn", 8)) > 0  # the minimum works
    with pytest.raises(InputError, match="pooling 4 needs at least 4 positions"):
        build("lecture-cnn", 3, padding="same")
    build("lecture-cnn", 4, padding="same")
    with pytest.raises(InputError) as err:
        build("cnn", 5, pools=(2, 3))
    assert "needs at least 6 positions" in err.value.message
    assert "--model mlp" in err.value.message
    build("cnn", 6, pools=(2, 3))
    assert build("mlp", 7)(torch.zeros(2, 4, 7)).shape == (2, 2)  # what the errors suggest


def test_framepool_position_gate_moves_ten_times_faster_than_its_logits():
    # one Adam step moves every logit by the learning rate; the gate is sigmoid(10 * logit),
    # so a gate moves by 10 * lr * sigmoid'(0) = 2.5 lr: fast enough to leave 0.5 on a table
    # of a few thousand rows (RESULTS.md, "The gate's speed")
    from biochemml.models.cnn import END_GATE_SCALE

    torch.manual_seed(0)
    net = build("framepool", 30, task="regression", n_outputs=1, position_gate=True)
    optimizer = torch.optim.Adam([net.end_gate_logits], lr=1e-3)
    net(torch.eye(4)[torch.randint(0, 4, (16, 30))].transpose(1, 2)).pow(2).mean().backward()
    optimizer.step()
    assert END_GATE_SCALE == 10.0
    with torch.no_grad():  # features of 1 everywhere: each frame's max is its largest gate
        feats = net._frame_pool(torch.ones(1, 30), torch.ones(1, 128, 30))[0, :-1].view(6, 128)
    tops = feats[1::2]                                   # (frames, filters)
    assert float(tops.max()) - 0.5 == pytest.approx(2.5e-3, rel=0.01)
