"""How the fine-tuned branch's matrices are stored: 8-bit rows, saved as their difference from the
packaged layers' rows so the file stays small, and read back exactly."""

import numpy as np
import pytest

from commentdesk.moderation.models.abuse_encoder import DELTA_SUFFIX, SCALE_SUFFIX, as_deltas, stored_values


def _stored(values: np.ndarray) -> dict[str, np.ndarray]:
    """A matrix as branch_arrays keeps it: int8 rows and a float16 scale per row."""
    scale = (np.abs(values).max(axis=1, keepdims=True) / 127.0).astype(np.float16)
    rows = np.clip(np.rint(values / scale.astype(np.float32)), -127, 127).astype(np.int8)
    return {"w": rows, "w" + SCALE_SUFFIX: scale}


def test_a_matrix_saved_as_a_difference_reads_back_exactly():
    rng = np.random.default_rng(0)
    packaged = rng.normal(size=(64, 96)).astype(np.float32)
    tuned = packaged + rng.normal(scale=0.01, size=packaged.shape).astype(np.float32)
    arrays = _stored(tuned)
    saved = as_deltas(arrays, {"w": packaged})
    assert set(saved) == {"w" + DELTA_SUFFIX, "w" + SCALE_SUFFIX}
    assert np.array_equal(stored_values(saved, "w", packaged), stored_values(arrays, "w"))
    # Small moves make small differences: that is what compresses.
    assert np.mean(saved["w" + DELTA_SUFFIX] == 0) > 0.3


def test_differences_beyond_eight_bits_wrap_and_come_back():
    packaged = np.array([[127.0, -127.0, 0.0, 5.0]], np.float32)
    tuned = np.array([[-127.0, 127.0, 127.0, -127.0]], np.float32)
    arrays = _stored(tuned)
    saved = as_deltas(arrays, {"w": packaged})
    assert np.array_equal(stored_values(saved, "w", packaged), stored_values(arrays, "w"))


def test_matrices_without_a_packaged_counterpart_of_their_shape_are_kept_whole():
    arrays = _stored(np.ones((4, 8), np.float32)) | {"bias": np.zeros(8, np.float16)}
    saved = as_deltas(arrays, {"w": np.ones((4, 9), np.float32)})
    assert saved.keys() == arrays.keys()
    assert np.array_equal(stored_values(saved, "w"), stored_values(arrays, "w"))


def test_a_difference_cannot_be_read_without_the_packaged_weights():
    packaged = np.ones((2, 3), np.float32)
    saved = as_deltas(_stored(packaged * 2), {"w": packaged})
    with pytest.raises(ValueError, match="packaged"):
        stored_values(saved, "w")
