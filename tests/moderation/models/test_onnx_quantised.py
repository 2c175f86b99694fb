"""The 8-bit copy of an exported graph: its own file name, and integer sums that no processor saturates."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from commentdesk.moderation.models.onnx_backend import INT8_TAG, quantised  # noqa: E402

# Unsigned activations times signed weights are added two by two in 16 bits on processors without
# VNNI: a pair must stay within the signed 16-bit range whatever the activations (0..255).
PAIR_LIMIT = 32_767


def _matmul_graph(path, weights: np.ndarray) -> None:
    rows, columns = weights.shape
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "one-product",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", rows])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", columns])],
        [numpy_helper.from_array(weights, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def _integer_weights(path) -> list[np.ndarray]:
    model = onnx.load(str(path))
    found = [numpy_helper.to_array(init) for init in model.graph.initializer if init.data_type == TensorProto.INT8]
    return [array for array in found if array.ndim == 2]


def test_the_quantised_copy_is_named_for_its_recipe_and_made_once(tmp_path):
    exported = tmp_path / "minilm-abc-opset17.onnx"
    _matmul_graph(exported, np.random.default_rng(0).normal(size=(64, 16)).astype(np.float32))
    # A copy quantised the old way (full-range weights) stays where it is and is not loaded.
    older = tmp_path / "minilm-abc-opset17-int8.onnx"
    older.write_bytes(b"an older recipe")
    made = quantised(exported)
    assert made.name == f"minilm-abc-opset17-{INT8_TAG}.onnx" and made != older
    assert older.read_bytes() == b"an older recipe"
    stamp = made.stat().st_mtime_ns
    assert quantised(exported) == made and made.stat().st_mtime_ns == stamp  # reused, not made again


def test_no_pair_of_products_can_leave_sixteen_bits(tmp_path):
    rng = np.random.default_rng(1)
    # Heavy-tailed weights, one column much larger than the rest, as in a transformer's projections.
    weights = rng.standard_t(3, size=(128, 32)).astype(np.float32)
    weights[:, 0] *= 40
    exported = tmp_path / "graph.onnx"
    _matmul_graph(exported, weights)
    (integer,) = _integer_weights(quantised(exported))
    assert integer.shape == weights.shape
    assert int(np.abs(integer.astype(np.int32)).max()) <= 64  # seven bits
    magnitude = np.abs(integer.astype(np.int32))
    pairs = magnitude[0::2] + magnitude[1::2]  # neighbours along the summed dimension
    assert int(255 * pairs.max()) <= PAIR_LIMIT
    # The quantised graph still computes the product it replaces.
    import onnxruntime

    session = onnxruntime.InferenceSession(str(quantised(exported)), providers=["CPUExecutionProvider"])
    x = rng.normal(size=(4, 128)).astype(np.float32)
    expected = x @ weights
    got = session.run(None, {"x": x})[0]
    cosine = np.sum(got * expected, axis=1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(expected, axis=1))
    assert float(cosine.min()) > 0.99
