"""Training of the fine-tuned abuse model (see :mod:`commentdesk.moderation.models.abuse_finetuned`).

Recipe:

1. the *branch*: MiniLM layers, copied and fine-tuned on every labeled set at once (multi-task:
   P(abusive) plus one head per category a set labels). The shipped model (``train_shipped``)
   tunes all six layers on the texts (:mod:`commentdesk.evaluation.train_full_encoder`), with
   the project's identity-mention sentences and disguised copies of abusive rows beside the
   sets; ``train_model`` alone tunes the top layer on the cached states of the five below
   (:mod:`commentdesk.evaluation.trunk_cache`), which leave-one-source-out evaluation of a dozen
   models can afford;
2. the *lexical view*: logistic regression on hashed n-grams of the normalised text, which sees
   through disguised spellings and names the words that drove a score;
3. the *stacker*: logistic regression of [branch logit, lexical logit, disguise flag] fitted on a
   held-back slice of news comments, so the probability is calibrated for news comments, which
   also sets the hold and reject thresholds and the category floors.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from commentdesk.evaluation.abuse_corpus import (
    NEWS_SETS,
    SET_WEIGHTS,
    Part,
    capped,
    load_parts,
    seeds_part,
    split_calibration,
    with_own_parts,
)
from commentdesk.evaluation.encoder_plan import (
    HEAD_LEARNING_RATE,
    HEAD_LOSS_WEIGHT,
    LEARNING_RATE,
    TRAIN_TOKENS,
    training_plan,
)
from commentdesk.evaluation.train_abuse import choose_thresholds, fit_logistic, fit_soft_logistic
from commentdesk.evaluation.trunk_cache import TrunkStates, base_model, fresh_states
from commentdesk.moderation.models.abuse import LEXICAL_NORMALISER, LexicalFeaturizer, LexicalSpec, analyse
from commentdesk.moderation.models.abuse_encoder import (
    HEADS,
    OUTPUTS,
    as_deltas,
    branch_arrays,
    new_branch,
    packaged_state,
    tuned_layers,
)
from commentdesk.moderation.models.abuse_finetuned import BRANCH_PREFIX, FORMAT, FineTunedAbuseModel

LEXICAL_C = 1.0
# Heads whose score, once high, also raises P(abusive): threats, dehumanisation and incitement
# are rare in the labeled news sets, so the stacker alone under-weighs them, even in polite words.
FLOOR_HEADS = ("threat", "dehumanisation", "incitement")


@dataclass
class Corpus:
    train: list[Part]
    calibration: list[Part]
    seconds: dict[str, float] = field(default_factory=dict)


def build_corpus(parts: list[Part]) -> Corpus:
    """Split the news sets' held-back calibration slices off the training rows."""
    train, calibration = [], []
    for part in parts:
        fit, held = split_calibration(part)
        train.append(fit)
        if held is not None:
            calibration.append(held)
    return Corpus(train, calibration)


def corpus_parts(
    data_dir: Path, sets: tuple[str, ...], cache_dir: Path | None = None, extra: list[Part] | None = None
) -> list[Part]:
    """The training rows of ``sets``, the hand-written seeds and any extra parts (site decisions)."""
    return list(load_parts(sets, data_dir, "train", cache_dir).values()) + [seeds_part(cache_dir)] + (extra or [])


def train_branch(parts: list[Part], epochs: float = 1.0, seed: int = 0, desc: str = "branch"):
    import torch

    torch.manual_seed(seed)
    _tokenizer, transformer = base_model()
    branch = new_branch(transformer).train()
    states = TrunkStates.concat([p.states for p in parts])
    targets, heads, weights, plan = training_plan(parts, states.lengths(), epochs, seed)
    groups = [
        {"params": [p for layer in branch.layers for p in layer.parameters()], "lr": LEARNING_RATE},
        {"params": branch.head.parameters(), "lr": HEAD_LEARNING_RATE},
    ]
    optimizer = torch.optim.AdamW(groups, weight_decay=0.01)
    warmup = max(1, len(plan) // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (len(plan) - step) / len(plan))
    )
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    progress = tqdm(plan, desc=desc, unit="batch", leave=False)
    for rows in progress:
        hidden, mask = states.batch(rows, TRAIN_TOKENS)
        logits = branch(hidden, mask)
        w = weights[rows]
        loss = (bce(logits[:, 0], targets[rows], reduction="none") * w).sum()
        known = ~torch.isnan(heads[rows])
        if known.any():
            head_target = torch.nan_to_num(heads[rows])
            head_loss = bce(logits[:, 1:], head_target, reduction="none") * known * w[:, None]
            loss = loss + HEAD_LOSS_WEIGHT * head_loss.sum()
        loss = loss / w.sum()
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(branch.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        progress.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
    return branch.eval()


def branch_logits(branch, states: TrunkStates, batch: int = 128) -> np.ndarray:
    import torch

    out = np.zeros((len(states), len(OUTPUTS)), dtype=np.float32)
    order = np.argsort(states.lengths(), kind="stable")
    with torch.inference_mode():
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            hidden, mask = states.batch(rows)
            out[rows] = branch(hidden, mask).numpy()
    return out


def fit_lexical(parts: list[Part], repairs: dict[str, str]) -> tuple[np.ndarray, float]:
    featurizer = LexicalFeaturizer(LexicalSpec())
    normalised = [" ".join(analyse(t, repairs).normalised) for p in parts for t in p.texts]
    target = np.concatenate([p.targets for p in parts]).astype(np.float64)
    weight = np.concatenate([np.full(len(p), SET_WEIGHTS.get(p.name, 1.0)) for p in parts])
    model = fit_soft_logistic(
        featurizer.transform_normalised(normalised), target, weight, C=LEXICAL_C, solver="liblinear", max_iter=200
    )
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


class BranchScorer:
    """The abuse logits of a trained branch: from a part's cached states, or from texts (encoded now)."""

    def __init__(self, branch) -> None:
        self.branch = branch

    def part_logits(self, part: Part) -> np.ndarray:
        return branch_logits(self.branch, part.states)

    def text_logits(self, texts: list[str]) -> np.ndarray:
        return branch_logits(self.branch, fresh_states(texts, desc="undisguise"))

    def arrays(self) -> dict[str, np.ndarray]:
        """What the saved model keeps of the branch (its parameters, float16)."""
        return {f"branch.{k}": v for k, v in branch_arrays(self.branch).items()}


# (training parts, epochs, progress label) -> a scorer with part_logits, text_logits and arrays.
BranchTrainer = Callable[[list[Part], float, str], Any]


def _train_top_layer(parts: list[Part], epochs: float, desc: str) -> BranchScorer:
    return BranchScorer(train_branch(parts, epochs, desc=desc))


@dataclass
class Trained:
    """A trained model in memory, with the torch branch kept for fast scoring of cached states."""

    model: FineTunedAbuseModel
    branch: object
    scorer: Any = None

    def __post_init__(self) -> None:
        if self.scorer is None:
            self.scorer = BranchScorer(self.branch)

    def branch_logit(self, part: Part) -> np.ndarray:
        """The branch's "abusive" logit alone (no lexical view, stacker or second reading)."""
        return self.scorer.part_logits(part)[:, 0]

    def score_part(self, part: Part) -> np.ndarray:
        """P(abusive) for a part's rows from its cached states (disguised rows re-encoded)."""
        logits = self.scorer.part_logits(part)
        return self.model.probabilities_from_logits(part.texts, logits, self.scorer.text_logits)[0]


def train_model(
    parts: list[Part],
    epochs: float = 1.0,
    version: str = "abuse-dev",
    desc: str = "branch",
    branch_trainer: BranchTrainer | None = None,
) -> Trained:
    """Branch, lexical view, stacker, thresholds and floors from the given training parts.

    ``branch_trainer`` replaces the default branch (the top layer on cached states) by another
    encoder (the shipped six layers, experiments); the lexical view, stacker, thresholds and
    floors stay as they are."""
    started = time.time()
    corpus = build_corpus(parts)
    from commentdesk.evaluation.train_abuse import derive_repairs_from_texts

    repair_parts = [p for p in corpus.train if p.name in NEWS_SETS + ("kaggle_insults", "seeds", "site")]
    repairs = derive_repairs_from_texts(
        [t for p in repair_parts for t, y in zip(p.texts, p.labels, strict=True) if y == 1],
        [t for p in repair_parts for t in p.texts],
    )
    scorer = (branch_trainer or _train_top_layer)(corpus.train, epochs, desc)
    lexical_w, lexical_b = fit_lexical(corpus.train, repairs)
    meta: dict[str, Any] = {
        "format": FORMAT,
        "version": version,
        "outputs": list(OUTPUTS),
        "repairs": repairs,
        "lexical": {
            "normaliser": LEXICAL_NORMALISER,
            "n_features": LexicalSpec().n_features,
            "char_ngrams": list(LexicalSpec().char_ngrams),
        },
        "recommended_thresholds": {"hold": 0.5, "reject": 0.95},
        "category_floors": {},
        "stack_features": ["branch", "lexical", "disguised", "disguised*lexical"],
    }
    arrays: dict[str, Any] = {
        "lexical_w": lexical_w.astype(np.float16),
        "lexical_b": np.float32(lexical_b),
        "stack_w": np.array([1.0, 0.0, 0.0, 0.0], np.float32),
        "stack_b": np.float32(0.0),
        **scorer.arrays(),
    }
    draft = FineTunedAbuseModel(meta, arrays)
    # Stacker, thresholds and floors from the held-back news comments.
    calib = corpus.calibration
    texts = [t for p in calib for t in p.texts]
    labels = np.concatenate([p.labels for p in calib])
    logits = np.concatenate([scorer.part_logits(p) for p in calib])
    x, heads = draft.stack_and_heads(texts, logits, scorer.text_logits)
    per_set = np.concatenate([np.full(len(p), 1.0 / len(p)) for p in calib]) * len(labels) / len(calib)
    stack_w, stack_b = fit_logistic(x, labels, 1.0, per_set)
    arrays["stack_w"], arrays["stack_b"] = np.asarray(stack_w, np.float32), np.float32(stack_b)
    prob = 1 / (1 + np.exp(-(x @ stack_w + stack_b)))
    meta["recommended_thresholds"] = choose_thresholds(prob, labels)
    clean = labels == 0
    meta["category_floors"] = {
        name: round(float(max(0.5, np.quantile(heads[clean, HEADS.index(name)], 0.995))), 3) for name in FLOOR_HEADS
    }
    meta["trained_on"] = {p.name: len(p) for p in corpus.train}
    meta["calibrated_on"] = {p.name: len(p) for p in calib}
    meta["set_weights"] = {p.name: SET_WEIGHTS.get(p.name, 1.0) for p in corpus.train}
    meta["epochs"] = epochs
    meta["seconds"] = round(time.time() - started, 1)
    return Trained(FineTunedAbuseModel(meta, arrays), getattr(scorer, "branch", None), scorer)


def save(trained: Trained, out_dir: Path) -> None:
    """Write the model; the branch's large matrices as differences from the packaged layers
    (abuse_encoder.as_deltas), which the embedder adds back when it builds the branch."""
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out_dir / "abuse.npz", **stored_arrays(trained.model.arrays))  # type: ignore[arg-type]  # array names, never allow_pickle
    (out_dir / "abuse.json").write_text(json.dumps(trained.model.meta, indent=2) + "\n", encoding="utf-8")
    FineTunedAbuseModel.load(out_dir)  # fail now, not in production, if something is off


def stored_arrays(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The model's arrays as saved: the branch's int8 matrices as deltas from the packaged layers."""
    branch = {name.removeprefix(BRANCH_PREFIX): values for name, values in arrays.items() if name.startswith(BRANCH_PREFIX)}
    packaged = packaged_state(base_model()[1], tuned_layers(branch))
    rest = {name: values for name, values in arrays.items() if not name.startswith(BRANCH_PREFIX)}
    return rest | {BRANCH_PREFIX + name: values for name, values in as_deltas(branch, packaged).items()}


def default_version(today: date | None = None) -> str:
    return f"abuse-{(today or date.today()):%Y.%m.%d}-ft1"


# Rows per set that the shipped model learns from (the cached corpus holds up to TRAIN_CAP).
SHIPPED_CAP = 3000


# At most this share of bias_madlibs' neutral sentences that name a group may be held.
FAIR_HELD_SHARE = 0.05


def fairness_hold(score: Callable[[list[str]], np.ndarray], data_dir: Path) -> float | None:
    """The lowest hold level (to 0.01) that holds at most FAIR_HELD_SHARE of bias_madlibs'
    neutral sentences, on the sample `commentdesk eval --set bias_madlibs` reads; None without
    the set. `score` gives P(abusive) for texts."""
    from commentdesk.evaluation.evaluate import BIAS_SAMPLE
    from commentdesk.evaluation.labeled_sets import load_abuse_set

    if not (data_dir / "bias_madlibs").is_dir():
        return None
    data = load_abuse_set("bias_madlibs", data_dir)
    data = data.subset(np.random.default_rng(0).permutation(len(data)) < BIAS_SAMPLE)
    neutral = [text for text, label in zip(data.texts, data.labels, strict=True) if label == 0]
    prob = np.asarray(score(neutral), dtype=np.float64)
    return math.ceil(float(np.quantile(prob, 1 - FAIR_HELD_SHARE)) * 100) / 100


def apply_fairness_hold(meta: dict, fair: float | None) -> None:
    """Raise the calibrated hold level to the fair one where that is higher, and say so."""
    calibrated = meta["recommended_thresholds"]["hold"]
    meta["calibrated_hold"] = calibrated
    if fair is not None and fair > calibrated:
        meta["recommended_thresholds"]["hold"] = fair
        meta["hold_rule"] = (
            f"lowest level holding at most {FAIR_HELD_SHARE:.0%} of bias_madlibs' neutral sentences; "
            f"the news calibration alone gave {calibrated}"
        )
    else:
        meta["hold_rule"] = "holds at most 5 % of held-back legitimate news comments"


def held_out_figures(trained: Trained, eval_parts: dict[str, Part]) -> dict[str, float | None]:
    from commentdesk.evaluation.metrics import roc_auc

    return {name: roc_auc(part.labels, trained.score_part(part)) for name, part in eval_parts.items()}


def train_shipped(
    data_dir: Path,
    out_dir: Path,
    version: str,
    sets: tuple[str, ...],
    cache_dir: Path | None = None,
    site_examples: list[tuple[str, int, str]] | None = None,
    cap: int = SHIPPED_CAP,
    epochs: float = 1.0,
) -> dict:
    """Train, evaluate on every set's test rows, and save: what ``commentdesk train`` runs."""
    from commentdesk.evaluation.abuse_corpus import EVAL_ONLY_SETS, LABELED_SETS, labeled_part
    from commentdesk.evaluation.train_full_encoder import train_full_branch

    # The six-layer encoder reads the texts: no cached states of the lower layers are needed.
    train_parts = load_parts(sets, data_dir, "train", cache_dir, with_states=False)
    parts = with_own_parts([capped(p, cap) for p in train_parts.values()] + [seeds_part(cache_dir, with_states=False)])
    if site_examples:
        examples: list[tuple[str, int, dict[str, float]]] = [(text, label, {}) for text, label, _group in site_examples]
        parts.append(labeled_part("site", examples, cache=False, with_states=False))
    trained = train_model(parts, epochs, version, desc="abuse encoder", branch_trainer=train_full_branch)
    every_set = tuple(dict.fromkeys(LABELED_SETS + EVAL_ONLY_SETS))
    eval_parts = load_parts(every_set, data_dir, "test", cache_dir, with_states=False)
    figures = held_out_figures(trained, eval_parts)

    def score(texts: list[str]) -> np.ndarray:
        logits = trained.scorer.text_logits(texts)
        return trained.model.probabilities_from_logits(texts, logits, trained.scorer.text_logits)[0]

    apply_fairness_hold(trained.model.meta, fairness_hold(score, data_dir))
    trained.model.meta["held_out_roc_auc"] = {
        name: {"roc_auc": value, "seen_in_training": name in sets} for name, value in figures.items()
    }
    if site_examples:
        site = next(p for p in parts if p.name == "site")
        trained.model.meta["site_decisions"] = len(site)
    save(trained, out_dir)
    return trained.model.meta
