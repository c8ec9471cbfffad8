"""Readers and writers of user files, and the validation of what they contain."""
from .tables import (label_column, numeric_column, read_fasta, read_table, require_columns,
                     row_error, sequence_column)

__all__ = ["read_table", "read_fasta", "require_columns", "sequence_column", "numeric_column",
           "label_column", "row_error"]
