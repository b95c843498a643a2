"""A synthetic dataset shaped like the model's signature, made from a seed: the project trains
offline and its tests run in seconds. Replace `load` with the real data (a warehouse query, a
file in object storage); the rest of the project only needs features and a 0/1 target."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .columns import DTYPES, INPUTS, Column

TARGET = "target"


def load(rows: int = 2000, seed: int = 7) -> tuple[pd.DataFrame, pd.Series]:
    """`rows` examples: the features of the signature's inputs, and whether the positive
    class happened, drawn from a fixed logistic relationship to the features."""
    rng = np.random.default_rng(seed)
    features: dict[str, pd.Series] = {}
    logit = np.zeros(rows)
    for column in INPUTS:
        values, effect = _column(column, rows, rng)
        features[column.name] = pd.Series(values, dtype=DTYPES[column.type])
        logit += effect
    chance = 1 / (1 + np.exp(-(logit - logit.mean())))
    target = (rng.random(rows) < chance).astype("int64")
    return pd.DataFrame(features), pd.Series(target, name=TARGET)


def _column(column: Column, rows: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A column's values and what they add to the positive class's log-odds."""
    weight = rng.choice([-1.5, 1.5])
    if column.type == "boolean":
        flags = rng.random(rows) < 0.5
        return flags, weight * (flags - 0.5) * 2
    if column.type in ("integer", "long"):
        counts = rng.integers(0, 100, rows)
        return counts, weight * (counts - 50) / 29
    if column.type in ("float", "double"):
        amounts = rng.normal(50, 15, rows).round(2)
        return amounts, weight * (amounts - 50) / 15
    categories = list(column.enum) or [f"{column.name}-{i}" for i in range(4)]
    effects = rng.normal(0, 1.5, len(categories))
    picked = rng.integers(0, len(categories), rows)
    return np.array(categories, dtype=object)[picked], effects[picked]
