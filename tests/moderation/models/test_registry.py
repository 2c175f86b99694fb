"""Site-trained weights are installed beside the shipped ones and chosen through ACTIVE."""

import pytest

from commentdesk.moderation.models.abuse import WEIGHTS_DIR
from commentdesk.moderation.models.abuse_finetuned import load_abuse_model
from commentdesk.moderation.models.registry import OPTIONAL_FILES, WEIGHT_FILES, active_weights_dir, install
from commentdesk.moderation.pipeline import ModerationModels


def test_without_an_installed_set_the_shipped_weights_are_used(tmp_path):
    assert active_weights_dir(tmp_path / "models") is None
    assert active_weights_dir(None) is None


def test_an_installed_set_becomes_active_and_is_loaded(tmp_path):
    models_dir = tmp_path / "models"
    target = install(models_dir, WEIGHTS_DIR, "abuse-2030.01.01-1")
    assert sorted(path.name for path in target.iterdir()) == sorted(WEIGHT_FILES + OPTIONAL_FILES)
    assert active_weights_dir(models_dir) == target
    assert load_abuse_model(active_weights_dir(models_dir)).version == load_abuse_model().version


def test_an_installed_set_brings_its_own_harm_model_or_falls_back_to_the_shipped_one(tmp_path):
    import json
    import shutil

    from commentdesk.moderation.models.harm import HarmModel

    source = tmp_path / "trained"
    source.mkdir()
    for name in WEIGHT_FILES + OPTIONAL_FILES:
        shutil.copy2(WEIGHTS_DIR / name, source / name)
    meta = json.loads((source / "harm.json").read_text())
    (source / "harm.json").write_text(json.dumps({**meta, "version": "harm-2030.01.01-1"}))
    with_harm = ModerationModels(models_dir=tmp_path / "a")
    install(tmp_path / "a", source, "set-with-harm")
    assert with_harm.load().versions["harm"] == "harm-2030.01.01-1"
    for name in OPTIONAL_FILES:
        (source / name).unlink()
    install(tmp_path / "b", source, "set-without-harm")
    assert not (tmp_path / "b" / "set-without-harm" / "harm.json").exists()
    assert ModerationModels(models_dir=tmp_path / "b").load().versions["harm"] == HarmModel.load().version


def test_a_broken_install_is_reported_and_comments_are_held(tmp_path):
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    (models_dir / "ACTIVE").write_text("missing-folder\n")
    with pytest.raises(FileNotFoundError):
        active_weights_dir(models_dir)
    models = ModerationModels(models_dir=models_dir).load()
    assert models.signals.__self__ is models
    from commentdesk.moderation.types import Candidate

    signals = models.signals(Candidate(text="hello there", article_title="t", article_body="b"))
    assert "models" in signals.failures


def test_install_refuses_odd_names(tmp_path):
    with pytest.raises(ValueError):
        install(tmp_path, WEIGHTS_DIR, "../escape")
