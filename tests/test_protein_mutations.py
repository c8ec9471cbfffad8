"""Mutation notation, mutant sequences and variant encodings."""
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from biochemml.errors import InputError
from biochemml.protein import (MutationEncoder, apply_mutations, apply_variants, format_variant,
                               mutation_positions, parse_mutation, parse_variant,
                               variant_one_hot)

WT = "MKTAYIAKQR"
DATA = Path(os.environ.get("BIOCHEMML_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture(scope="module")
def avgfp_table():
    path = DATA / "avgfp" / "amino_acid_genotypes_to_brightness.tsv"
    if not path.exists():
        pytest.skip("avGFP data not found; set BIOCHEMML_DATA")
    return pd.read_csv(path, sep="\t", keep_default_na=False)


@pytest.fixture(scope="module")
def gfp_wildtype():
    path = DATA / "avgfp" / "1gfl_cm.pdb"
    if not path.exists():
        pytest.skip("avGFP structure not found; set BIOCHEMML_DATA")
    from biochemml.structure import read

    return read(path).sequence


def test_parse_mutation_with_and_without_chain():
    m = parse_mutation("SA108D")
    assert (m.chain, m.wt, m.position, m.mt) == ("S", "A", 108, "D")
    m = parse_mutation("A108D")
    assert (m.chain, m.wt, m.position, m.mt) == (None, "A", 108, "D")
    assert parse_mutation("Y39*").mt == "*"


@pytest.mark.parametrize("text", ["M0I,S1G", "M0I:S1G", "M0I;S1G", " M0I : S1G ",
                                  "M0I;S1G;", "M0I+S1G+", "M0I,,S1G"])
def test_all_separators_give_the_same_variant(text):
    # a separator at the end or doubled separates nothing ('' had been "not a mutation")
    assert [str(m) for m in parse_variant(text)] == ["M0I", "S1G"]


def test_separators_without_a_mutation_are_not_the_wild_type():
    with pytest.raises(InputError, match="holds separators but no mutation"):
        parse_variant(";")


@pytest.mark.parametrize("text", ["SA108D:SN144D", "A108D:N144D", "H24C", "Y39*"])
def test_parse_format_round_trip(text):
    assert format_variant(parse_variant(text)) == text


def test_format_can_add_or_drop_the_chain_prefix():
    assert format_variant(parse_variant("A1B".replace("B", "D")), chain="S") == "SA1D"
    assert format_variant(parse_variant("SA1D"), chain="") == "A1D"


@pytest.mark.parametrize("empty", ["", "WT", "wt", "_wt", None, float("nan"), "_sy", "p.=",
                                   "p.(=)", "p.Lys2=", "wild type", "Wild Type"])
def test_wildtype_spellings(empty):
    assert parse_variant(empty) == ()
    assert apply_mutations(WT, empty) == WT


@pytest.mark.parametrize(("hgvs", "plain"), [
    ("p.Lys2Asp", "K2D"), ("p.[Met1Ile;Lys2Ter]", "M1I:K2*"), ("p.(Met1Ile;Thr3*)", "M1I:T3*"),
    ("p.[Lys2=;Thr3Ala]", "T3A"), ("p.K2D", "K2D"),
    # one p. per mutation, as a spreadsheet joins HGVS cells (was refused on the second)
    ("p.Met1Ile;p.Lys2Ter", "M1I:K2*"), ("p.Met1Ile, p.Thr3Ala", "M1I:T3A"),
    ("p.(Met1Ile);p.(Thr3Ala)", "M1I:T3A")])
def test_hgvs_protein_notation_reads_as_one_letter_mutations(hgvs, plain):
    # MaveDB / Enrich2 tables write variants in HGVS: 3-letter residues, Ter or * for a stop,
    # = for a synonymous change
    assert parse_variant(hgvs) == parse_variant(plain)
    assert apply_mutations(WT, hgvs, offset=1) == apply_mutations(WT, plain, offset=1)


@pytest.mark.parametrize("bad", ["p.Xyz2Asp", "p.Lys2Xyz", "p.Lys2"])
def test_malformed_hgvs_is_rejected_with_both_forms_named(bad):
    with pytest.raises(InputError, match="A108D .* or HGVS p.Ala108Asp"):
        parse_variant(bad)


@pytest.mark.parametrize("bad", ["108D", "A108", "AB", "A1.5D", "b108d", "B108D",
                                 "A108Z", "A-D"])
def test_malformed_mutations_are_rejected(bad):
    with pytest.raises(InputError):
        parse_mutation(bad)


def test_a_mutation_written_all_in_lower_case_is_read_as_upper_case():
    assert parse_mutation("a108d") == parse_mutation("A108D")
    assert parse_mutation(" sa108d ") == parse_mutation("SA108D")


def test_apply_zero_and_one_based():
    assert apply_mutations(WT, "K1R:A3G", offset=0) == "MRTGYIAKQR"
    assert apply_mutations(WT, "K2R:A4G", offset=1) == "MRTGYIAKQR"
    assert apply_mutations(WT, "SK1R:SA3G") == "MRTGYIAKQR"


def test_mismatch_names_variant_position_and_residue_found():
    with pytest.raises(InputError, match=r"variant 'K1R:Q3G'.*position 3 is 'A'.*not 'Q'"):
        apply_mutations(WT, "K1R:Q3G")


def test_off_by_one_mismatch_suggests_the_right_offset():
    with pytest.raises(InputError, match=r"offset 1 \(--offset 1\)"):
        apply_mutations(WT, "K2R:A4G", offset=0)


def test_offset_hint_never_suggests_the_offset_in_use():
    # 1-based table, wrong residue and a position past the end: no offset fits, no hint
    for variant in ("Q3G", "A300P"):
        with pytest.raises(InputError) as info:
            apply_mutations(WT, variant, offset=1)
        assert "--offset" not in str(info.value) and "offset=" not in str(info.value)
        assert "offset 1" in str(info.value)  # says which numbering was used
    # a 1-based table read as 0-based, past the end: the hint names offset 1
    with pytest.raises(InputError, match=r"outside.*offset 1 \(--offset 1\)"):
        apply_mutations(WT, "R10A", offset=0)


@pytest.mark.parametrize("variant, message", [
    ("R162X", "variant 'R162X' has 'X', which is not one of the 20 amino acids"),
    ("R162", "variant 'R162' is not a mutation: expected"),
    ("K1R:R162X", "variant 'K1R:R162X': 'R162X' has 'X'"),
    # indels are named as such, with what to do, not called 'not a mutation'
    ("K2del", "variant 'K2del' is an insertion or deletion: variant models read substitutions"),
    ("K2_T3insA", "variant 'K2_T3insA' is an insertion or deletion"),
    ("p.Lys2del", "variant 'p.Lys2del': 'Lys2del' is an insertion or deletion"),
    ("K2-", "variant 'K2-' is an insertion or deletion"),
    ("c.70C>T", "variant 'c.70C>T' is a change of the DNA or RNA (HGVS c.)"),
    (";", "variant ';' holds separators but no mutation"),
])
def test_variant_errors_quote_the_variant_once(variant, message):
    with pytest.raises(InputError) as info:
        apply_variants(WT, ["K1R", variant])
    assert info.value.message.startswith(message) and info.value.row == 1
    assert str(info.value).count(f"'{variant}'") == 1


def test_position_outside_sequence_and_duplicates_are_errors():
    with pytest.raises(InputError, match="outside the wild type"):
        apply_mutations(WT, "R10A")
    with pytest.raises(InputError, match="twice"):
        apply_mutations(WT, "K1R:K1A")
    with pytest.raises(InputError, match="not one of the 20"):
        apply_mutations("MKB", "K1R")
    with pytest.raises(InputError, match="stop must be"):
        apply_mutations(WT, "K1R", stop="drop")


def test_batch_error_names_the_row():
    with pytest.raises(InputError) as info:
        apply_variants(WT, ["K1R", "K1R:Q3G"])
    assert info.value.row == 1


def test_stop_keep_or_truncate():
    assert apply_mutations(WT, "A3*") == "MKT*YIAKQR"
    assert apply_mutations(WT, "A3*", stop="truncate") == "MKT"


def test_mutation_positions_are_zero_based_indices():
    assert mutation_positions(["K2R:A4G", ""], WT, offset=1) == [(1, 3), ()]


def test_variant_one_hot_matches_applied_sequences():
    x = variant_one_hot(["K1R", "A3*"], WT)
    assert x.shape == (2, len(WT), 20)
    assert x[0, 1].argmax() == "ACDEFGHIKLMNPQRSTVWY".index("R")
    assert x[1, 3].sum() == 0  # the stop is an all-zero row


def test_mutation_encoder_additive_and_pairwise_columns():
    variants = ["K1R", "K1R:A3G", "K1R:A3G", "A3G"]
    enc = MutationEncoder(WT, pairwise=True, min_pair_count=2).fit(variants)
    assert enc.columns_ == ["K1R", "A3G", "K1R+A3G"]
    x = enc.transform(variants + ["T2S", ""]).toarray()
    np.testing.assert_array_equal(x, [[1, 0, 0], [1, 1, 1], [1, 1, 1], [0, 1, 0], [0, 0, 0],
                                      [0, 0, 0]])
    one_based = MutationEncoder(WT, offset=1).fit(["K2R"])
    assert one_based.columns_ == ["K2R"]
    with pytest.raises(InputError, match="not fitted"):
        MutationEncoder(WT).transform(["K1R"])


def test_avgfp_all_variants_apply_fast(avgfp_table, gfp_wildtype):
    start = time.perf_counter()
    seqs = apply_variants(gfp_wildtype, avgfp_table["aaMutations"])
    assert time.perf_counter() - start < 3.0
    assert len(seqs) == 54025
    assert seqs[1][108] == "D" and gfp_wildtype[108] == "A"


def test_a_synonymous_substitution_is_read_as_no_change():
    from biochemml.protein.mutations import variant_table
    from biochemml.protein.models import AdditiveRegressor

    rows, index, mt = variant_table(["K1K", "K1R:A3A", "", "K1R"], WT, offset=0)
    assert rows.tolist() == [1, 3] and index.tolist() == [1, 1] and bytes(mt) == b"RR"
    assert apply_mutations(WT, "K1K") == WT
    with pytest.raises(InputError, match="position 1 is 'K'"):  # still checked
        variant_table(["Q1Q"], WT)
    model = AdditiveRegressor(WT).fit(["K1R", "A3G", "K1R:A3G", "T2S"] * 3, [1.0, 2, 3, 4] * 3)
    assert model.predict(["K1K"])[0] == pytest.approx(model.predict([""])[0])
    assert model.predict(["K1R:A3A"])[0] == pytest.approx(model.predict(["K1R"])[0])


def test_variant_table_reads_a_filtered_series_by_position():
    from biochemml.protein.mutations import variant_table

    series = pd.Series(["K1R", "A3G", "Q5G"], index=[10, 11, 12])
    with pytest.raises(InputError) as info:
        variant_table(series, WT)
    assert "'Q5G'" in str(info.value) and info.value.row == 2


def test_one_variant_errors_do_not_point_at_a_sequence_number():
    with pytest.raises(InputError) as info:
        apply_mutations(WT, "Q1R")
    assert not str(info.value).startswith("sequence")


def test_a_numbering_with_gaps_is_named_with_the_count_of_rows_that_do_not_fit():
    """A table numbered like its structure (Ambler: 239 and 253 skipped) was refused at the
    first row past the gap, blaming the variant, without a count or a word on the gap."""
    from biochemml.protein import variant_table

    wt = "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQFEVV"
    # 1-based up to 30, then one number skipped (31 is written 32), then another (from 51)
    number = [i + 1 + (i >= 30) + (i >= 49) for i in range(len(wt))]
    variants = [f"{wt[i]}{number[i]}{'A' if wt[i] != 'A' else 'G'}" for i in range(len(wt))]
    with pytest.raises(InputError) as err:
        variant_table(variants, wt, offset=1)
    message = err.value.message
    misfit = sum(n > len(wt) or wt[n - 1] != wt[i] for i, n in enumerate(number))
    assert 30 < misfit <= len(wt) - 30  # a few shifted residues match by chance
    assert f"({misfit} rows in all do not fit)" in message
    assert ("the residues all match if the numbering skips numbers: offset 1 for 1-30, "
            f"offset 2 for 32-50, offset 3 for 52-{len(wt) + 2}") in message
    # one wrong letter is a typo, not a numbering: no such hint, no count
    typo = [f"{wt[i]}{i + 1}A" if wt[i] != "A" else f"{wt[i]}{i + 1}G" for i in range(len(wt))]
    typo[40] = f"{'W' if wt[40] != 'W' else 'Y'}41A"
    with pytest.raises(InputError) as err:
        variant_table(typo, wt, offset=1)
    assert "skips numbers" not in err.value.message and "rows in all" not in err.value.message


def test_an_error_in_a_list_of_variants_names_the_variant_by_its_index():
    """The Python error said 'sequence at index 1: variant ...' of a list of variants."""
    from biochemml.protein import variant_table

    for bad, said in ((["K2R", "Y306K"], "is outside the wild type"),
                      (["K2R", "K2R:K2A"], "mutates position 2 twice"),
                      (["K2R", "K2"], "is not a mutation")):
        with pytest.raises(InputError) as err:
            variant_table(bad, WT, offset=1)
        assert str(err.value).startswith("variant at index 1: ") and said in str(err.value)
        assert err.value.row == 1 and not err.value.message.startswith("variant at index")


@pytest.mark.parametrize(("token", "residue"), [("N49AK", "49A"), ("A42aV", "42a")])
def test_a_residue_with_an_insertion_code_is_named_as_such(token, residue):
    """'N49AK' (residue 49A of a PDB file) got the generic 'expected the form A108D'."""
    with pytest.raises(InputError) as err:
        parse_variant(token)
    assert f"if it means residue {residue}, a residue with an insertion code" in err.value.message
    assert "renumber such variants" in err.value.message
