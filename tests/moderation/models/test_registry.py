"""Site-trained weights are installed beside the shipped ones and chosen through ACTIVE."""

import pytest

from commentdesk.moderation.models.abuse import WEIGHTS_DIR
from commentdesk.moderation.models.abuse_finetuned import load_abuse_model
from commentdesk.moderation.models.registry import WEIGHT_FILES, active_weights_dir, install
from commentdesk.moderation.pipeline import ModerationModels


def test_without_an_installed_set_the_shipped_weights_are_used(tmp_path):
    assert active_weights_dir(tmp_path / "models") is None
    assert active_weights_dir(None) is None


def test_an_installed_set_becomes_active_and_is_loaded(tmp_path):
    models_dir = tmp_path / "models"
    target = install(models_dir, WEIGHTS_DIR, "abuse-2030.01.01-1")
    assert sorted(path.name for path in target.iterdir()) == sorted(WEIGHT_FILES)
    assert active_weights_dir(models_dir) == target
    assert load_abuse_model(active_weights_dir(models_dir)).version == load_abuse_model().version


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
