"""The evaluation's embedding cache: texts are encoded once, read back from disk after that, and
the cache folder keeps itself out of git. A counting stand-in replaces the encoder."""

from __future__ import annotations

import numpy as np
import pytest

from commentdesk.evaluation import embedding_cache


class CountingEmbedder:
    def __init__(self):
        self.encoded: list[str] = []

    def load(self):
        return self

    def encode(self, texts, batch_size=None):
        self.encoded.extend(texts)
        return np.stack([np.full(384, len(text), dtype=np.float32) for text in texts])


@pytest.fixture
def embedder(monkeypatch):
    fake = CountingEmbedder()
    monkeypatch.setattr(embedding_cache, "shared_embedder", lambda: fake)
    return fake


def test_a_list_is_encoded_once_and_then_read_from_disk(tmp_path, embedder):
    texts = ["short", "a much longer text", "mid length"]
    first = embedding_cache.embed_cached("demo", texts, tmp_path)
    assert first.shape == (3, 384) and first[:, 0].tolist() == [5.0, 18.0, 10.0]  # in the caller's order
    again = embedding_cache.embed_cached("demo", texts, tmp_path)
    assert np.array_equal(first, again) and len(embedder.encoded) == 3
    embedding_cache.embed_cached("demo", texts + ["new"], tmp_path)  # another list: encoded afresh
    assert len(embedder.encoded) == 7
    assert (tmp_path / ".gitignore").read_text() == "*\n"


def test_texts_shared_between_lists_are_encoded_once(tmp_path, embedder):
    cache = tmp_path / "each" / "vectors.npz"
    first = embedding_cache.embed_each_cached(["a", "bb"], cache)
    second = embedding_cache.embed_each_cached(["bb", "ccc", "a"], cache)
    assert sorted(embedder.encoded) == ["a", "bb", "ccc"]
    assert second[:, 0].tolist() == [2.0, 3.0, 1.0] and np.array_equal(first[1], second[0])
    embedding_cache.embed_each_cached(["ccc"], cache)
    assert len(embedder.encoded) == 3  # everything known now


def test_without_a_cache_file_nothing_is_written(tmp_path, embedder):
    vectors = embedding_cache.embed_each_cached(["x", "x"], None)
    assert vectors.shape == (2, 384) and embedder.encoded == ["x"]
    assert list(tmp_path.iterdir()) == []


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COMMENTDESK_CACHE_DIR", str(tmp_path / "c"))
    assert embedding_cache.default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("COMMENTDESK_CACHE_DIR")
    assert embedding_cache.default_cache_dir().name == ".cache"


def test_an_existing_ignore_file_is_kept(tmp_path):
    (tmp_path / ".gitignore").write_text("custom\n")
    embedding_cache._ensure_ignored(tmp_path)
    assert (tmp_path / ".gitignore").read_text() == "custom\n"
