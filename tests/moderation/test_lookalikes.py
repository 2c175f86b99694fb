"""One look-alike table for the rules; the abuse model's lexical normalisation stays the version
its shipped weights name, and weights naming another are refused rather than misread."""

from __future__ import annotations

import json
import shutil

import pytest

from commentdesk.moderation import lookalikes
from commentdesk.moderation.models import abuse
from commentdesk.moderation.models.abuse import LEXICAL_NORMALISER, AbuseModel, ModelLoadError
from commentdesk.moderation.normalize import normalise


def test_the_rules_read_every_look_alike_of_the_one_table():
    # Small capitals and Cyrillic letters that only the abuse model's table knew before.
    assert normalise("ɪᴅɪᴏᴛ").text == "idiot"
    assert normalise("ԝһаt аn іdіоt").text == "what an idiot"
    assert normalise("ѕtuріd").original_span(0, 6) == "ѕtuріd"


def test_the_abuse_models_tables_are_part_of_the_one_table():
    # Moving the lexical view onto the shared table then only adds letters, never changes one.
    shared = lookalikes.CONFUSABLES
    assert all(shared.get(key) == value for key, value in abuse._CONFUSABLES.items())
    assert all(lookalikes.LEET.get(key) == value for key, value in abuse._LEET.items())


def test_the_shipped_abuse_weights_name_the_normalisation_they_were_trained_with():
    meta = json.loads((abuse.WEIGHTS_DIR / "abuse.json").read_text(encoding="utf-8"))
    assert meta["lexical"]["normaliser"] == LEXICAL_NORMALISER
    finetuned = json.loads((abuse.WEIGHTS_DIR / "finetuned" / "abuse.json").read_text(encoding="utf-8"))
    assert finetuned["lexical"]["normaliser"] == LEXICAL_NORMALISER


def test_weights_trained_on_another_normalisation_are_refused(tmp_path):
    for name in ("abuse.json", "abuse.npz"):
        shutil.copy(abuse.WEIGHTS_DIR / name, tmp_path / name)
    meta = json.loads((tmp_path / "abuse.json").read_text(encoding="utf-8"))
    meta["lexical"]["normaliser"] = "abuse-lexical-99"
    (tmp_path / "abuse.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="abuse-lexical-99"):
        AbuseModel.load(tmp_path)


def test_weights_from_before_the_version_was_named_still_load(tmp_path):
    for name in ("abuse.json", "abuse.npz"):
        shutil.copy(abuse.WEIGHTS_DIR / name, tmp_path / name)
    meta = json.loads((tmp_path / "abuse.json").read_text(encoding="utf-8"))
    del meta["lexical"]["normaliser"]
    (tmp_path / "abuse.json").write_text(json.dumps(meta), encoding="utf-8")
    assert AbuseModel.load(tmp_path).version == meta["version"]
