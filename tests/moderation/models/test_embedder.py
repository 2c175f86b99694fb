"""The two embedding backends give the same vectors, so the trained heads hold for either."""

from pathlib import Path

import numpy as np
import pytest

from commentdesk.moderation.models.embedder import Embedder
from commentdesk.moderation.models.onnx_backend import INT8_TAG

TEXTS = [
    "If the sanctuaries are on Pakistani soil, a joint operation settles the argument.",
    "Well said.",
    "Services inflation at 4.4 percent is the real story " * 20,  # longer than the 128-token window
]


@pytest.mark.models
def test_onnx_runtime_and_pytorch_agree(monkeypatch, tmp_path):
    monkeypatch.setenv("COMMENTDESK_MODEL_CACHE", str(tmp_path))
    monkeypatch.setenv("COMMENTDESK_EMBEDDER_BACKEND", "onnx")
    fast = Embedder().load()
    assert fast.backend == "onnxruntime"
    assert list(tmp_path.glob("minilm-*.onnx"))  # exported once, reused by later starts
    monkeypatch.setenv("COMMENTDESK_EMBEDDER_BACKEND", "torch")
    reference = Embedder().load()
    assert reference.backend == "torch"
    a, b = fast.encode(TEXTS), reference.encode(TEXTS)
    assert a.shape == (3, 384)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert float(np.min(np.sum(a * b, axis=1))) > 0.99999


@pytest.mark.models
def test_eight_bit_weights_keep_the_meaning_and_name_themselves(monkeypatch, tmp_path):
    monkeypatch.setenv("COMMENTDESK_MODEL_CACHE", str(tmp_path))
    monkeypatch.setenv("COMMENTDESK_EMBEDDER_BACKEND", "onnx")
    full = Embedder().load()
    monkeypatch.setenv("COMMENTDESK_EMBEDDER_BACKEND", "onnx-int8")
    small = Embedder().load()
    assert small.backend == "onnxruntime-int8"
    assert list(tmp_path.glob(f"minilm-*-{INT8_TAG}.onnx"))  # quantised once, beside the export
    # Passages cached under one version are never compared with the other's vectors.
    assert small.version != full.version and small.version.endswith(f"+{INT8_TAG}")
    a, b = small.encode(TEXTS), full.encode(TEXTS)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert float(np.min(np.sum(a * b, axis=1))) > 0.97
    # Still a sentence embedding: a paraphrase stays closer than another subject.
    anchor, paraphrase, other = small.encode(
        ["The minister resigned today.", "Today the minister stepped down.", "I love cheese."]
    )
    assert float(paraphrase @ anchor) > float(other @ anchor) + 0.3


@pytest.mark.models
def test_batched_and_single_encodings_are_the_same():
    embedder = Embedder().load()
    together = embedder.encode(TEXTS)
    alone = np.vstack([embedder.encode([text]) for text in TEXTS])
    assert float(np.min(np.sum(together * alone, axis=1))) > 0.99999
    shared = embedder.encode_shared(TEXTS[:1])
    assert float(shared[0] @ alone[0]) > 0.99999


@pytest.mark.models
def test_a_broken_onnx_cache_falls_back_to_pytorch(monkeypatch, tmp_path):
    monkeypatch.setenv("COMMENTDESK_MODEL_CACHE", str(tmp_path / "not-a-dir"))
    (tmp_path / "not-a-dir").write_text("a file where the cache folder should be")
    embedder = Embedder().load()
    assert embedder.backend == "torch"
    assert embedder.encode(["still works"]).shape == (1, 384)


@pytest.mark.models
@pytest.mark.parametrize("backend", ["onnx-int8", "onnx"])
@pytest.mark.parametrize("loaded_first", [True, False], ids=["loaded-then-branch", "branch-then-loaded"])
def test_the_abuse_branch_embeds_comments_at_the_precision_of_the_passages(monkeypatch, tmp_path, backend, loaded_first):
    """With the fine-tuned branch attached, comments are embedded by the two-road pass: the article
    passages they are compared with come from the same precision and carry its version, whichever
    came first; one comment's scores do not depend on the comments encoded beside it."""
    from commentdesk.moderation.models.abuse_finetuned import __file__ as finetuned_module
    from commentdesk.moderation.models.abuse_finetuned import load_abuse_model

    monkeypatch.setenv("COMMENTDESK_MODEL_CACHE", str(tmp_path))
    monkeypatch.setenv("COMMENTDESK_EMBEDDER_BACKEND", backend)
    plain = Embedder().load()
    branch = load_abuse_model(Path(finetuned_module).parent / "weights" / "finetuned").branch_state
    embedder = Embedder()
    if loaded_first:
        embedder.load()
    embedder.attach_branch(branch)
    passages = embedder.encode(TEXTS)
    assert embedder.backend == plain.backend and embedder.version == plain.version
    assert float(np.min(np.sum(passages * plain.encode(TEXTS), axis=1))) > 0.99999
    comment_vectors, logits = embedder.encode_shared(TEXTS[:1])
    assert float(comment_vectors[0] @ passages[0]) > 0.99999 and logits.shape[0] == 1
    _vectors, together = embedder.encode_with_branch(TEXTS)
    assert np.allclose(together[:1], logits, atol=1e-5)
