"""Disk cache of MiniLM embeddings for the labeled sets: encoding 70k texts takes minutes on CPU."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from commentdesk.moderation.models.embedder import precision_tag, shared_embedder


def default_cache_dir() -> Path:
    """``$COMMENTDESK_CACHE_DIR``, else ``./.cache``."""
    from commentdesk.config import EvaluationSettings, checked

    return checked(EvaluationSettings).resolved_cache_dir()


def _ensure_ignored(cache_dir: Path) -> None:
    # The cache lives inside the checkout; a self-ignoring folder keeps it out of git.
    cache_dir.mkdir(parents=True, exist_ok=True)
    marker = cache_dir / ".gitignore"
    if not marker.exists():
        marker.write_text("*\n")


def embed_cached(name: str, texts: list[str], cache_dir: Path | None = None, batch_size: int = 64) -> np.ndarray:
    """Embeddings of ``texts`` (n, 384), read from the cache when the same texts were seen."""
    cache_dir = cache_dir or default_cache_dir()
    _ensure_ignored(cache_dir)
    digest = hashlib.sha1("\x1e".join(texts).encode("utf-8")).hexdigest()[:16]
    path = cache_dir / "embeddings" / f"{name}-{digest}{precision_tag()}.npy"
    if path.exists():
        return np.load(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    embedder = shared_embedder()
    # Sorting by length keeps padding (and therefore time) low in each batch.
    order = np.argsort([len(t) for t in texts])
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for start in tqdm(range(0, len(texts), batch_size * 8), desc=f"embed {name}", unit="batch"):
        idx = order[start : start + batch_size * 8]
        out[idx] = embedder.encode([texts[i] for i in idx], batch_size=batch_size)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, out)
    tmp.replace(path)
    return out


def embed_each_cached(texts: list[str], cache_file: Path | None) -> np.ndarray:
    """Embeddings of ``texts`` from one cache file keyed by each text, so that several lists that
    share texts (training rows, test rows, seeds) are encoded once between them."""
    keys = [hashlib.sha1(text.encode("utf-8")).hexdigest() for text in texts]
    if cache_file is not None and precision_tag():
        cache_file = cache_file.with_name(cache_file.stem + precision_tag() + cache_file.suffix)
    known: dict[str, np.ndarray] = {}
    if cache_file and cache_file.exists():
        with np.load(cache_file, allow_pickle=False) as cached:
            known = dict(zip(cached["keys"].tolist(), cached["vectors"], strict=True))
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if missing:
        embedder = shared_embedder().load()
        batch = 256
        for start in tqdm(range(0, len(missing), batch), desc="embedding", unit="batch", file=sys.stderr):
            part = missing[start : start + batch]
            for (key, _text), vector in zip(part, embedder.encode([t for _k, t in part]), strict=True):
                known[key] = vector
        if cache_file:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            names = list(known)
            np.savez(cache_file, keys=np.array(names), vectors=np.stack([known[k] for k in names]))
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = known[key]
    return out
