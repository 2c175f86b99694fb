"""Which weights are used, and weights that do not fit this version: a missing file, another
normalisation, the wrong format or array sizes each give a clear error, and a server holds
comments rather than scoring with them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from commentdesk.moderation.models.abuse import LEXICAL_NORMALISER, WEIGHTS_DIR, AbuseModel, ModelLoadError
from commentdesk.moderation.models.abuse_finetuned import FineTunedAbuseModel, load_abuse_model
from commentdesk.moderation.models.registry import (
    ACTIVE_FILE,
    SHIPPED_DIR,
    WEIGHT_FILES,
    active_weights_dir,
    install,
    shipped_weights_dir,
)
from commentdesk.moderation.pipeline import ModerationModels, Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, Candidate

FINETUNED_DIR = SHIPPED_DIR / "finetuned"


def copy_weights(source: Path, target: Path, **meta_changes) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in ("abuse.json", "abuse.npz"):
        shutil.copy2(source / name, target / name)
    if meta_changes:
        meta = json.loads((target / "abuse.json").read_text())
        for key, value in meta_changes.items():
            if isinstance(value, dict):
                meta[key] = {**meta.get(key, {}), **value}
            else:
                meta[key] = value
        (target / "abuse.json").write_text(json.dumps(meta))
    return target


# --- choosing the weights -----------------------------------------------------------------


def test_each_shipped_variant_has_its_folder_and_others_are_refused_by_name():
    assert shipped_weights_dir("default") is None
    assert shipped_weights_dir("finetuned") == FINETUNED_DIR
    with pytest.raises(ValueError, match="unknown model variant 'tiny'; choose one of default, finetuned"):
        shipped_weights_dir("tiny")


def test_without_an_installed_set_the_chosen_variant_is_used(tmp_path):
    assert active_weights_dir(tmp_path, "finetuned") == FINETUNED_DIR
    assert active_weights_dir(None, "finetuned") == FINETUNED_DIR


def test_an_installed_set_wins_over_the_variant(tmp_path):
    installed = install(tmp_path, WEIGHTS_DIR, "site-1")
    assert active_weights_dir(tmp_path, "finetuned") == installed


def test_a_later_install_becomes_active_and_the_earlier_stays_on_disk(tmp_path):
    first = install(tmp_path, WEIGHTS_DIR, "site-1")
    second = install(tmp_path, WEIGHTS_DIR, "site-2")
    assert (tmp_path / ACTIVE_FILE).read_text() == "site-2\n"
    assert active_weights_dir(tmp_path) == second
    assert all((first / name).exists() for name in WEIGHT_FILES)
    assert not (tmp_path / (ACTIVE_FILE + ".new")).exists()


def test_an_active_set_missing_files_names_each_missing_file(tmp_path):
    folder = tmp_path / "half"
    copy_weights(WEIGHTS_DIR, folder)
    (tmp_path / ACTIVE_FILE).write_text("  half \n")
    with pytest.raises(FileNotFoundError) as missing:
        active_weights_dir(tmp_path)
    assert "lacks relevance.json, relevance.npz" in str(missing.value)
    assert "abuse.json" not in str(missing.value).split("lacks")[1]


@pytest.mark.parametrize("name", [".hidden", "a/b", "../up"])
def test_install_refuses_names_that_are_not_one_folder(tmp_path, name):
    with pytest.raises(ValueError, match="not a folder name"):
        install(tmp_path, WEIGHTS_DIR, name)
    assert not (tmp_path / ACTIVE_FILE).exists()


def test_an_unknown_variant_holds_every_comment_and_says_why():
    models = ModerationModels(variant="tiny").load()
    found = models.signals(Candidate("A calm remark", "T", "B"))
    assert "unknown model variant 'tiny'" in found.failures["models"]
    decision = Pipeline(models).decide(Candidate("A calm remark", "T", "B"), found, Policy())
    assert decision.decision == HOLD and decision.reasons[0].code == "model_unavailable"


# --- weights that do not fit ----------------------------------------------------------------------


def test_weights_trained_with_another_normalisation_are_refused_naming_both(tmp_path):
    folder = copy_weights(WEIGHTS_DIR, tmp_path / "w", lexical={"normaliser": "abuse-lexical-2"})
    with pytest.raises(ModelLoadError) as refused:
        AbuseModel.load(folder)
    assert "'abuse-lexical-2'" in str(refused.value) and repr(LEXICAL_NORMALISER) in str(refused.value)


def test_finetuned_weights_with_another_normalisation_are_refused_too(tmp_path):
    folder = copy_weights(FINETUNED_DIR, tmp_path / "w", lexical={"normaliser": "abuse-lexical-0"})
    with pytest.raises(ModelLoadError, match="'abuse-lexical-0' normalisation"):
        load_abuse_model(folder)


def test_weights_that_do_not_name_a_normalisation_are_taken_as_the_frozen_one(tmp_path):
    folder = copy_weights(WEIGHTS_DIR, tmp_path / "w")
    meta = json.loads((folder / "abuse.json").read_text())
    del meta["lexical"]["normaliser"]
    (folder / "abuse.json").write_text(json.dumps(meta))
    assert AbuseModel.load(folder).version == meta["version"]


@pytest.mark.parametrize("source", [WEIGHTS_DIR, FINETUNED_DIR])
def test_a_lexical_size_that_does_not_match_the_arrays_is_refused(tmp_path, source):
    folder = copy_weights(source, tmp_path / "w", lexical={"n_features": 1024})
    with pytest.raises(ModelLoadError, match="lexical weight size does not match its spec"):
        load_abuse_model(folder)


def test_finetuned_weights_of_an_unknown_format_are_refused(tmp_path):
    folder = copy_weights(FINETUNED_DIR, tmp_path / "w", format="finetuned-branch-9")
    with pytest.raises(ModelLoadError, match="expected format finetuned-branch-1, found finetuned-branch-9"):
        FineTunedAbuseModel.load(folder)


def test_the_loader_tells_the_two_kinds_apart_by_their_format(tmp_path):
    assert isinstance(load_abuse_model(copy_weights(FINETUNED_DIR, tmp_path / "ft")), FineTunedAbuseModel)
    assert isinstance(load_abuse_model(copy_weights(WEIGHTS_DIR, tmp_path / "linear")), AbuseModel)


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda folder: (folder / "abuse.json").unlink(), "abuse.json"),
        (lambda folder: (folder / "abuse.json").write_text("{not json"), "cannot load abuse model"),
        (lambda folder: (folder / "abuse.npz").unlink(), "abuse.npz"),
        (lambda folder: (folder / "abuse.npz").write_bytes(b"PK\x03\x04 truncated"), "cannot load abuse model"),
    ],
)
@pytest.mark.parametrize("source", [WEIGHTS_DIR, FINETUNED_DIR])
def test_a_missing_or_damaged_file_names_the_folder(tmp_path, source, damage, words):
    folder = copy_weights(source, tmp_path / "w")
    damage(folder)
    with pytest.raises(ModelLoadError) as refused:
        load_abuse_model(folder)
    assert words in str(refused.value) and str(folder) in str(refused.value)


def test_a_missing_array_is_a_load_error_not_a_crash(tmp_path):
    import numpy as np

    folder = copy_weights(WEIGHTS_DIR, tmp_path / "w")
    with np.load(folder / "abuse.npz") as npz:
        arrays = {key: npz[key] for key in npz.files if key != "stack_w"}
    np.savez(folder / "abuse.npz", **arrays)
    with pytest.raises(ModelLoadError, match="stack_w"):
        AbuseModel.load(folder)
