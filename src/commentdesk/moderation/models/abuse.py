"""Abuse model: P(abusive) for a comment, per-category scores and the words that drove them.

Two views of the comment are combined:

* a *lexical* view: hashed character n-grams and words of a normalised text, where the
  normalisation undoes the usual evasion tricks (spaced letters "f u c k", leetspeak "id1ot",
  look-alike Unicode, masking "f*ck", stretched letters, and dropped letters "stpid" through a
  table learned with the weights). It also tells which words mattered;
* a *semantic* view: linear heads on the MiniLM sentence embedding that the pipeline computes
  once per comment and shares with the relevance model.

A small logistic "stacker" fitted on news comments turns the view scores into a calibrated
probability. Everything at inference is numpy over arrays stored in ``weights/`` (no pickles).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from commentdesk.moderation.lookalikes import CONFUSABLES, LEET
from commentdesk.moderation.models.weights_io import ModelLoadError, load_weights

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
CATEGORIES = ("insult", "threat", "identity_attack", "obscenity")


# --------------------------------------------------------------------------- normalisation
#
# The lexical view's own normalisation, frozen as the shipped weights were trained with it: the
# weights name it (`lexical.normaliser` in abuse.json) and loading refuses weights that name
# another. Its tables are a subset of the rules' table (moderation/lookalikes.py); moving the
# lexical view onto that table changes its input, so it waits for the next retraining, which then
# names the new version.
LEXICAL_NORMALISER = "abuse-lexical-1"

# The rules' look-alike tables (moderation/lookalikes.py) without the entries added after these
# weights were trained; tests/moderation/models/test_frozen_lexical_tables.py pins what is left,
# so a new entry there cannot change what this version reads.
_ADDED_AFTER_LEXICAL_1 = frozenset("һոѵßøłđ9")
_CONFUSABLES = {code: letter for code, letter in CONFUSABLES.items() if chr(code) not in _ADDED_AFTER_LEXICAL_1}
_LEET = {code: letter for code, letter in LEET.items() if chr(code) not in _ADDED_AFTER_LEXICAL_1}
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff\u034f]")
_LEET_CHARS = "0134578@$!|+€£"
_WORD_EDGE_PUNCT = "\"'“”‘’()[]{}<>,.;:?!¡¿…-–—_*~`^"
_MASK_INSIDE = re.compile(r"(?<=[a-z])[*#%&.\-_~^']+(?=[a-z])")
_REPEATS = re.compile(r"(.)\1{2,}")


def _fold_chars(text: str) -> str:
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    text = text.translate(_CONFUSABLES).lower().translate(_CONFUSABLES)
    # Strip accents ("fück") but keep letters that have no ASCII base.
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)  # words repeat across comments; the folding is the costly part
def normalise_token(token: str) -> str:
    """Canonical spelling of one whitespace-free token (or merged run of spaced letters)."""
    t = _fold_chars(token)
    core = t.strip(_WORD_EDGE_PUNCT)
    # A mixed token like "id1ot", "$hit", "f@ck" gets its symbols read as letters.
    if sum(c.isalpha() for c in core) >= 2 and any(c in _LEET_CHARS for c in core):
        head = core.rstrip("!")
        core = head.translate(_LEET) + core[len(head) :]
    core = _MASK_INSIDE.sub("", core)  # "f*ck", "f.u.c.k", "i-d-i-o-t"
    core = _REPEATS.sub(r"\1\1", core)  # "fuuuuck" -> "fuuck"
    return core


_SPACED_RUN_MIN = 3


def _is_single_char(piece: str) -> bool:
    core = piece.strip(_WORD_EDGE_PUNCT) or piece
    return len(core) == 1 and (core.isalnum() or core in _LEET_CHARS)


def token_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the words of ``text``; runs of >= 3 single characters separated by
    spaces ("f u c k", "i d 1 o t") are merged into one span so they read as one word."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    merged: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        j = i
        while j < len(spans) and _is_single_char(text[spans[j][0] : spans[j][1]]):
            j += 1
        if j - i >= _SPACED_RUN_MIN:
            merged.append((spans[i][0], spans[j - 1][1]))
            i = j
        else:
            merged.append(spans[i])
            i += 1
    return merged


def tokenize(text: str) -> tuple[list[str], list[str]]:
    """(original words, normalised words) aligned one to one; empty normalised words dropped."""
    originals, normalised = _tokenized(text)
    return list(originals), list(normalised)


@lru_cache(maxsize=512)  # the abuse and harm models read the same comment
def _tokenized(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    originals, normalised = [], []
    for start, end in token_spans(text):
        piece = text[start:end]
        norm = normalise_token(re.sub(r"\s+", "", piece))
        if norm:
            originals.append(piece)
            normalised.append(norm)
    return tuple(originals), tuple(normalised)


def lexical_text(text: str) -> str:
    """The text as the lexical view reads it: its normalised words, space-separated."""
    return " ".join(tokenize(text)[1])


_LEET_INSIDE = re.compile(r"[a-z][0134578@$|+€£]+[a-z]|^[$@][a-z]{2}|[a-z]{2}[$@]$")
_MASKED = re.compile(r"[a-z][*#%~^]+[a-z]|^(?:[a-z][.\-_]){2,}[a-z]$")


@lru_cache(maxsize=65_536)  # a word's answer never changes, and most words come again
def is_disguised(word: str) -> bool:
    """Whether a word uses an evasion trick: spaced letters, look-alike letters, leetspeak or
    masking. Legitimate words rarely do; the stacker then trusts the lexical view more, since
    the sentence embedding of a disguised word is unreliable."""
    if any(c.isspace() for c in word):
        return True
    folded = unicodedata.normalize("NFKC", word)
    if folded != word or folded.translate(_CONFUSABLES) != folded:
        return True
    core = folded.lower().strip(_WORD_EDGE_PUNCT)
    return bool(_LEET_INSIDE.search(core) or _MASKED.search(core))


def disguise_feature(originals: list[str]) -> float:
    return 1.0 if any(is_disguised(w) for w in originals) else 0.0


def interior_deletions(word: str) -> set[str]:
    """Spellings of ``word`` with one inner letter dropped ("idiot" -> "idot", "iiot", ...);
    evaders keep the first and last letters so the word stays readable."""
    return {word[:i] + word[i + 1 :] for i in range(1, len(word) - 1)}


@dataclass
class Analysed:
    originals: list[str]  # words as written
    normalised: list[str]  # canonical spellings, aligned with ``originals``
    disguised: float  # 1.0 if some word used an evasion trick


def analyse(text: str, repairs: dict[str, str] | None = None) -> Analysed:
    """Tokenise and normalise; ``repairs`` maps dropped-letter spellings of abusive words back
    to the word ("stpid" -> "stupid"). It only holds spellings that are not words themselves."""
    originals, normalised = tokenize(text)
    repaired = False
    if repairs:
        fixed = [repairs.get(w, w) for w in normalised]
        repaired = fixed != normalised
        normalised = fixed
    disguised = 1.0 if repaired else disguise_feature(originals)
    return Analysed(originals, normalised, disguised)


# --------------------------------------------------------------------------- lexical features


@dataclass(frozen=True)
class LexicalSpec:
    """Hashing parameters; stored with the weights so training and inference always agree."""

    n_features: int = 2**19
    char_ngrams: tuple[int, int] = (2, 5)

    def vectorizers(self):
        from sklearn.feature_extraction.text import HashingVectorizer

        # murmurhash3 with a fixed seed: the index of an n-gram never depends on the process.
        common = dict(n_features=self.n_features, alternate_sign=False, norm=None, binary=True, lowercase=False, dtype=np.float32)
        chars = HashingVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams), **common)
        words = HashingVectorizer(analyzer="word", token_pattern=r"\S+", ngram_range=(1, 1), **common)
        return chars, words


# Words whose hashed features a featurizer keeps (a few MB); the table starts again when full.
WORD_FEATURES_LIMIT = 30_000


class LexicalFeaturizer:
    """Sparse, L2-normalised bag of hashed char n-grams + words of the normalised text."""

    def __init__(self, spec: LexicalSpec | None = None) -> None:
        self.spec = spec or LexicalSpec()
        self._chars, self._words = self.spec.vectorizers()
        self._features_by_word: dict[str, tuple[np.ndarray, int]] = {}

    def logits(self, normalised_texts: list[str], weights: np.ndarray, bias: float) -> np.ndarray:
        """`transform_normalised(texts) @ weights + bias`, from each word's hashed features.

        Char n-grams never cross a word boundary, so a text's features are the union of its
        words'; the words' features are kept between calls (most words of a comment were seen
        before), which spares the vectorizers' per-call cost, most of this call's time for one
        comment. With binary counts, a feature that is both a char n-gram and a word counts 2,
        so the squared norm is |chars| + |words| + 2 |both|."""
        words_of = [text.split() for text in normalised_texts]
        features = self._word_features(list(dict.fromkeys(word for words in words_of for word in words)))
        out = np.full(len(normalised_texts), float(bias), dtype=np.float64)
        for row, words in enumerate(words_of):
            if not words:
                continue
            chars = np.unique(np.concatenate([features[word][0] for word in words]))
            whole = np.unique(np.fromiter((features[word][1] for word in words), dtype=np.int64, count=len(words)))
            both = np.intersect1d(chars, whole, assume_unique=True).size
            total = float(weights[chars].sum(dtype=np.float64) + weights[whole].sum(dtype=np.float64))
            out[row] += total / np.sqrt(chars.size + whole.size + 2 * both)
        return out

    def _word_features(self, words: list[str]) -> dict[str, tuple[np.ndarray, int]]:
        """(char n-gram indices, word index) of each word; the unknown ones hashed in one call.
        Read into a table of this call's own, since another thread may empty the shared one."""
        known = self._features_by_word
        mine = {word: known.get(word) for word in words}
        missing = [word for word, value in mine.items() if value is None]
        if missing:
            chars = self._chars.transform(missing).tocsr()
            chars.sum_duplicates()
            whole = self._words.transform(missing).tocsr()
            if len(known) + len(missing) > WORD_FEATURES_LIMIT:
                known.clear()
            for row, word in enumerate(missing):
                value = (
                    chars.indices[chars.indptr[row] : chars.indptr[row + 1]].astype(np.int64),
                    int(whole.indices[whole.indptr[row]]),
                )
                known[word] = mine[word] = value
        return mine  # type: ignore[return-value]  # every value is filled above

    def transform_normalised(self, normalised_texts: list[str]):
        x = (self._chars.transform(normalised_texts) + self._words.transform(normalised_texts)).tocsr()
        # Rows to unit length, as sklearn's normalize(norm="l2") does, without its argument
        # checks (a third of this call's time for one comment).
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1), dtype=np.float64).ravel())
        norms[norms == 0] = 1.0
        x.data /= np.repeat(norms, np.diff(x.indptr)).astype(x.dtype)
        return x

    def transform(self, texts: list[str]):
        return self.transform_normalised([lexical_text(t) for t in texts])

    def token_rows(self, normalised_tokens: list[str]):
        """One unnormalised row per token: char n-grams of a token never cross a word boundary."""
        return self._chars.transform(normalised_tokens) + self._words.transform(normalised_tokens)


# --------------------------------------------------------------------------- model


@dataclass
class AbuseScore:
    probability: float
    categories: dict[str, float] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)


def stack_features(views: np.ndarray, disguised: np.ndarray) -> np.ndarray:
    """The stacker's inputs: view logits, the disguise flag and its interaction with the lexical
    logit (so that a disguised comment can lean on the lexical view)."""
    disguised = np.asarray(disguised, dtype=np.float64).reshape(-1, 1)
    return np.hstack([views, disguised, disguised * views[:, :1]])


def check_normaliser(meta: dict) -> None:
    """Weights trained on another normalisation would read garbled features: refuse them. Weights
    written before the version was named were trained with the first one."""
    named = meta.get("lexical", {}).get("normaliser", LEXICAL_NORMALISER)
    if named != LEXICAL_NORMALISER:
        raise ModelLoadError(
            f"abuse weights: trained with the {named!r} normalisation, this version of commentdesk has {LEXICAL_NORMALISER!r}"
        )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


class AbuseModel:
    """Inference over arrays saved by :mod:`commentdesk.evaluation.train_abuse`."""

    def __init__(self, meta: dict, arrays: dict[str, np.ndarray]) -> None:
        self.meta = meta
        self.version: str = meta["version"]
        self.recommended_thresholds: dict[str, float] = meta["recommended_thresholds"]
        self.evidence_min_weight: float = meta.get("evidence_min_weight", 0.5)
        self.repairs: dict[str, str] = dict(meta.get("repairs", {}))
        self._lex_w = arrays["lexical_w"].astype(np.float32)
        self._lex_b = float(arrays["lexical_b"])
        self._emb_w = arrays["embedding_w"].astype(np.float32)  # (384, heads)
        self._emb_b = arrays["embedding_b"].astype(np.float32)
        self._stack_w = arrays["stack_w"].astype(np.float64)
        self._stack_b = float(arrays["stack_b"])
        self._cat_names = list(meta["categories"])
        self._cat_w = arrays["category_w"].astype(np.float32)  # (384 + n_stack, n_categories)
        self._cat_b = arrays["category_b"].astype(np.float32)
        # A category score at or above its floor is also the abuse probability's lower bound:
        # threats are rare in the labeled news sets, so the stacker alone under-weighs them.
        self._floors = category_floors(meta, self._cat_names)
        self.spec = lexical_spec(meta, self._lex_w)
        self._known_words: dict[str, float] = {}

    @cached_property
    def _featurizer(self) -> LexicalFeaturizer:
        return LexicalFeaturizer(self.spec)

    @classmethod
    def load(cls, weights_dir: Path | None = None) -> AbuseModel:
        return load_weights(Path(weights_dir) if weights_dir else WEIGHTS_DIR, "abuse", cls)

    def view_logits(self, normalised_texts: list[str], embeddings: np.ndarray) -> np.ndarray:
        """(n, 1 + heads): the lexical logit, then one logit per embedding head."""
        return self._views(self._featurizer.logits(normalised_texts, self._lex_w, self._lex_b), embeddings)

    def _views(self, lexical: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        emb = embeddings.astype(np.float32) @ self._emb_w + self._emb_b
        return np.column_stack([lexical, emb]).astype(np.float64)

    def _scores(self, lexical: np.ndarray, embeddings: np.ndarray, disguised: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        views = self._views(lexical, embeddings)
        prob = _sigmoid(stack_features(views, disguised) @ self._stack_w + self._stack_b)
        cat_in = np.hstack([embeddings, views.astype(np.float32)])
        cats = _sigmoid(cat_in @ self._cat_w + self._cat_b)
        for j, level in self._floors:
            prob = np.where(cats[:, j] >= level, np.maximum(prob, cats[:, j]), prob)
        return prob, cats

    @property
    def category_names(self) -> list[str]:
        return list(self._cat_names)

    def probabilities(self, texts: list[str], embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Batch scoring without evidence: (P(abusive) (n,), categories (n, len(category_names)))."""
        embeddings = np.asarray(embeddings, dtype=np.float32).reshape(len(texts), -1)
        analysed = [analyse(t, self.repairs) for t in texts]
        lexical = self._featurizer.logits([" ".join(a.normalised) for a in analysed], self._lex_w, self._lex_b)
        return self._scores(lexical, embeddings, np.array([a.disguised for a in analysed]))

    def read_words(self, texts: list[str]) -> WordReading:
        """What this model reads from the words alone (see `WordReading`)."""
        return read_words(texts, self.repairs, self._featurizer, self._lex_w, self._lex_b, self._evidence)

    def predict(self, texts: list[str], embeddings: np.ndarray, words: WordReading | None = None) -> list[AbuseScore]:
        """Scores with evidence; `words`: the texts' `read_words`, when it was done beforehand."""
        if len(texts) == 0:
            return []
        embeddings = np.asarray(embeddings, dtype=np.float32).reshape(len(texts), -1)
        words = words or self.read_words(texts)
        prob, cats = self._scores(words.lexical, embeddings, np.array([a.disguised for a in words.analysed]))
        return scores_with_evidence(prob, cats, self._cat_names, words.evidence)

    def _evidence(self, originals: list[str], normalised: list[str], limit: int = 5) -> list[str]:
        return evidence_words(
            self._featurizer, self._lex_w, self.evidence_min_weight, originals, normalised, limit, self._known_words
        )


def category_floors(meta: dict, names: list[str]) -> list[tuple[int, float]]:
    """(column, level) for each category whose score at or above ``level`` also bounds the abuse
    probability from below (shared by both abuse models)."""
    return [(names.index(name), float(level)) for name, level in meta.get("category_floors", {}).items() if name in names]


def lexical_spec(meta: dict, lexical_w: np.ndarray) -> LexicalSpec:
    """The lexical view the weights were trained with, refused when it used another normalisation
    or when the lexical weights do not fit it (shared by both abuse models)."""
    check_normaliser(meta)
    spec = LexicalSpec(n_features=int(meta["lexical"]["n_features"]), char_ngrams=tuple(meta["lexical"]["char_ngrams"]))
    if lexical_w.shape != (spec.n_features,):
        raise ModelLoadError("abuse weights: lexical weight size does not match its spec")
    return spec


def scores_with_evidence(
    prob: np.ndarray, categories: np.ndarray, names: list[str], evidence: list[list[str]]
) -> list[AbuseScore]:
    """One score per text: its probability, its category probabilities by name, and its evidence
    words (shared by both abuse models)."""
    return [
        AbuseScore(
            probability=float(prob[i]),
            categories={name: float(categories[i, j]) for j, name in enumerate(names)},
            evidence=words,
        )
        for i, words in enumerate(evidence)
    ]


@dataclass(frozen=True)
class WordReading:
    """What an abuse model reads from a comment's words alone, without its embedding: the words
    analysed, the lexical view's logit and the evidence words. The moderation process does it
    while the encoder runs (which leaves the interpreter free), so one comment at a time waits
    for the longer of the two, not their sum."""

    analysed: list[Analysed]
    lexical: np.ndarray
    evidence: list[list[str]]


def read_words(
    texts: list[str],
    repairs: dict[str, str],
    featurizer: LexicalFeaturizer,
    weights: np.ndarray,
    bias: float,
    evidence: Callable[[list[str], list[str]], list[str]],
) -> WordReading:
    """`WordReading` of `texts` (shared by both abuse models)."""
    analysed = [analyse(t, repairs) for t in texts]
    return WordReading(
        analysed,
        featurizer.logits([" ".join(a.normalised) for a in analysed], weights, bias),
        [evidence(a.originals, a.normalised) for a in analysed],
    )


def evidence_words(
    featurizer: LexicalFeaturizer,
    lexical_w: np.ndarray,
    min_weight: float,
    originals: list[str],
    normalised: list[str],
    limit: int = 5,
    known: dict[str, float] | None = None,
) -> list[str]:
    """Original words whose lexical weight pushes most towards abusive (shared by both abuse
    models). ``known`` keeps each word's strength between calls."""
    if not normalised:
        return []
    if known is None:
        strength = _token_strengths(featurizer, lexical_w, normalised)
    else:
        # A word's strength depends on the word alone: most words of a comment were seen before.
        # Read into a table of this call's own, since another thread may empty `known` meanwhile.
        mine = {word: known.get(word) for word in dict.fromkeys(normalised)}
        missing = [word for word, value in mine.items() if value is None]
        if missing:
            fresh = dict(zip(missing, _token_strengths(featurizer, lexical_w, missing).tolist(), strict=True))
            mine.update(fresh)
            if len(known) > KNOWN_WORDS_LIMIT:
                known.clear()
            known.update(fresh)
        strength = np.array([mine[word] for word in normalised])
    out: list[str] = []
    for k in np.argsort(-strength)[:limit]:
        if strength[k] < min_weight:
            break
        word = originals[k].strip(_WORD_EDGE_PUNCT) or originals[k]
        if word not in out:
            out.append(word)
    return out


# Words whose evidence strength a model keeps (a few MB); the table starts again when full.
KNOWN_WORDS_LIMIT = 100_000


def _token_strengths(featurizer: LexicalFeaturizer, lexical_w: np.ndarray, words: list[str]) -> np.ndarray:
    rows = featurizer.token_rows(words)
    contrib = np.asarray(rows @ lexical_w).ravel()
    # Long words collect more n-grams: compare per-n-gram weight, scaled by sqrt of count.
    return contrib / np.sqrt(np.maximum(np.diff(rows.indptr), 1))
