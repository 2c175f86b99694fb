"""The shipped abuse encoder: all six layers fine-tuned on the texts, stored as the branch that runs
beside the packaged road. With a tiny random transformer and a word tokenizer in place of MiniLM:
it learns a signal, the stored branch scores as the trained encoder did, and the storage is small
and close to the trained weights."""

from __future__ import annotations

import numpy as np
import pytest

from commentdesk.evaluation import train_full_encoder as full
from commentdesk.evaluation.abuse_corpus import Part
from commentdesk.evaluation.trunk_cache import TrunkStates
from commentdesk.moderation.models import abuse_encoder
from commentdesk.moderation.models.abuse_encoder import HEADS, OUTPUTS

transformers = pytest.importorskip("transformers")
torch = pytest.importorskip("torch")

WIDTH = 384
ABUSIVE_WORDS = ("idiot", "clown", "moron", "scum")
CIVIL_WORDS = ("budget", "minister", "report", "council")


class WordTokenizer:
    """Word pieces of the tiny model: [CLS], one id per word (its place in the vocabulary), [SEP]."""

    vocabulary = ("[PAD]", "[CLS]", "[SEP]") + ABUSIVE_WORDS + CIVIL_WORDS + ("the", "a", "is", "you")

    def __call__(self, texts, truncation=True, max_length=96, **_):
        ids = []
        for text in texts:
            words = [self.vocabulary.index(w) for w in text.split() if w in self.vocabulary]
            ids.append(([1] + words + [2])[:max_length])
        return {"input_ids": ids}


@pytest.fixture(scope="module")
def tiny_transformer():
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=len(WordTokenizer.vocabulary),
        hidden_size=WIDTH,
        num_hidden_layers=abuse_encoder.DEPTH,
        num_attention_heads=2,
        intermediate_size=32,
    )
    return transformers.BertModel(config).eval()


@pytest.fixture
def tiny(monkeypatch, tiny_transformer):
    monkeypatch.setattr(full, "base_model", lambda: (WordTokenizer(), tiny_transformer))
    return tiny_transformer


def text(i: int, abusive: bool) -> str:
    words = ABUSIVE_WORDS if abusive else CIVIL_WORDS
    return f"you {words[i % 4]} is the {words[(i // 4) % 4]}"


def part(name: str, n: int, offset: int = 0) -> Part:
    labels = np.array([(i + offset) % 2 for i in range(n)], np.int8)
    heads = np.full((n, len(HEADS)), np.nan, np.float32)
    heads[:, HEADS.index("insult")] = labels
    return Part(
        name,
        [text(i, bool(y)) for i, y in enumerate(labels)],
        labels.astype(np.float32),
        labels,
        heads,
        np.array([f"{name}:{i}" for i in range(n)]),
        TrunkStates.placeholder(n),
    )


@pytest.fixture(scope="module")
def trained(tiny_transformer):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(full, "base_model", lambda: (WordTokenizer(), tiny_transformer))
        yield full.train_encoder([part("c3", 96), part("olid", 64, offset=1)], epochs=3, desc="test")


def test_the_encoder_learns_the_signal_of_the_words(trained, tiny):
    unseen = part("ucc", 24, offset=1)
    logits = trained.part_logits(unseen)
    abusive = unseen.labels == 1
    assert logits.shape == (24, len(OUTPUTS))
    assert logits[abusive, 0].min() > logits[~abusive, 0].max()
    assert trained.batches > 0 and trained.train_seconds >= 0


def test_only_the_layers_and_the_head_are_trained(trained, tiny):
    embeddings = trained.encoder.transformer.embeddings.state_dict()
    assert all(torch.equal(value, tiny.embeddings.state_dict()[name]) for name, value in embeddings.items())
    first = trained.encoder.transformer.encoder.layer[0].attention.self.query.weight
    assert not torch.equal(first, tiny.encoder.layer[0].attention.self.query.weight)


def test_the_stored_branch_runs_beside_the_packaged_road_and_scores_as_the_trained_encoder(trained, tiny):
    stored = {key.removeprefix("branch."): value for key, value in trained.arrays().items()}
    assert abuse_encoder.tuned_layers(stored) == abuse_encoder.DEPTH
    branch = abuse_encoder.load_branch(tiny, stored)
    assert branch.shared_layers == 0  # the whole encoder: it starts from the word-piece embeddings
    roads = abuse_encoder.two_roads(tiny, branch)
    texts = [text(0, True), text(5, False), text(2, True) + " the council"]
    pieces = WordTokenizer()(texts)["input_ids"]
    ids, mask = full.padded(pieces, np.arange(len(texts)))
    with torch.inference_mode():
        embedding, logits = roads(ids, mask, torch.zeros_like(ids))
        packaged = tiny(input_ids=ids, attention_mask=mask).last_hidden_state
    assert np.allclose(logits.numpy(), trained.text_logits(texts), atol=0.05)
    packaged_vector = torch.nn.functional.normalize(abuse_encoder.masked_mean(packaged, mask), dim=1)
    assert torch.allclose(embedding, packaged_vector, atol=1e-5)  # the packaged road is untouched


def test_large_matrices_are_stored_as_8_bit_rows_close_to_the_trained_weights(trained):
    branch = trained.branch()
    stored = abuse_encoder.branch_arrays(branch)
    for name, tensor in branch.state_dict().items():
        values = tensor.numpy()
        if values.ndim == 2 and values.size >= abuse_encoder.INT8_MIN_SIZE:
            assert stored[name].dtype == np.int8 and stored[name + abuse_encoder.SCALE_SUFFIX].shape == (len(values), 1)
            row_max = np.abs(values).max(axis=1, keepdims=True)
            assert np.all(np.abs(abuse_encoder.stored_values(stored, name) - values) <= row_max / 200 + 1e-6)
        else:
            assert stored[name].dtype == np.float16 and name + abuse_encoder.SCALE_SUFFIX not in stored


def test_a_one_layer_branch_still_reads_the_states_after_the_fifth_layer(tiny):
    branch = abuse_encoder.new_branch(tiny)
    assert branch.shared_layers == abuse_encoder.SHARED_LAYERS and len(branch.layers) == 1
    stored = abuse_encoder.branch_arrays(branch)
    assert abuse_encoder.tuned_layers(stored) == 1
    assert abuse_encoder.load_branch(tiny, stored).shared_layers == abuse_encoder.SHARED_LAYERS


def test_the_shipped_trainer_is_the_six_layer_encoder(monkeypatch):
    seen = {}
    monkeypatch.setattr(full, "train_encoder", lambda parts, epochs, desc: seen.update(parts=parts, epochs=epochs) or "scorer")
    assert full.train_full_branch(["p"], 1.0, "d") == "scorer" and seen == {"parts": ["p"], "epochs": 1.0}
