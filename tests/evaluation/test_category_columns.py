"""Category columns of an abuse set: the labels a set gives, NaN where it says nothing."""

import math

import numpy as np

from commentdesk.evaluation.datasets import CATEGORIES, category_columns


def test_unlabeled_categories_are_unknown_and_labeled_ones_are_floats():
    columns = category_columns(3, insult=[True, False, True], obscenity=np.array([0, 1, 0]))
    assert list(columns) == list(CATEGORIES)
    assert columns["insult"].tolist() == [1.0, 0.0, 1.0] and columns["obscenity"].tolist() == [0.0, 1.0, 0.0]
    assert all(math.isnan(value) for name in ("threat", "identity_attack") for value in columns[name])
    assert {column.dtype for column in columns.values()} == {np.dtype(np.float32)}


def test_a_set_mapped_onto_other_heads_gets_a_column_for_each():
    columns = category_columns(2, ("insult", "incitement"), incitement=[0.5, 1.0])
    assert list(columns) == ["insult", "incitement"]
    assert columns["incitement"].tolist() == [0.5, 1.0] and all(math.isnan(v) for v in columns["insult"])
