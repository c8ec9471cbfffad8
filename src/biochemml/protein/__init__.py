"""Protein variants: mutation notation, mutant sequences and variant encodings.

>>> from biochemml.protein import apply_mutations
>>> apply_mutations("MKTAYIA", "K1R:A3G", offset=0)
'MRTGYIA'
"""
from .features import MutationEncoder, mutation_codes, variant_one_hot
from .graph import GraphVariantRegressor
from .image import DistanceMapCNNRegressor
from .models import (AdditiveRegressor, AveragingRegressor, MutantSequenceRegressor,
                     SelectingRegressor, StructureAwareRegressor, build_variant_model)
from .properties import PropertyRegressor, sequence_properties
from .mutations import (Mutation, apply_mutations, apply_variants, format_variant,
                        mutation_positions, parse_mutation, parse_variant, variant_table)

__all__ = ["Mutation", "parse_mutation", "parse_variant", "format_variant", "apply_mutations",
           "apply_variants", "variant_table", "mutation_positions", "MutationEncoder",
           "mutation_codes", "variant_one_hot", "AdditiveRegressor",
           "StructureAwareRegressor", "GraphVariantRegressor", "DistanceMapCNNRegressor",
           "AveragingRegressor", "SelectingRegressor", "MutantSequenceRegressor",
           "build_variant_model", "sequence_properties", "PropertyRegressor"]
