"""The side-by-side peer for `sattrace analyze`: pandas reads the same survey and
computes the per-segment × wave item means (read_csv + groupby().mean()).

This is less than sattrace does (no missing tokens beyond NA, no reverse coding,
no weights, no intervals, effects or rules), so the ratio flatters pandas.
"""
import sys

import pandas as pd

frame = pd.read_csv(sys.argv[1])
means = frame.drop(columns=["respondent_id", "weight"]).groupby(["region", "wave"]).mean()
print(means.shape)
