"""Reading stored weights (NAME.json + NAME.npz): what the builder gets, and how failures are reported."""

import io
import json
import re

import numpy as np
import pytest

from commentdesk.moderation.models.abuse import AbuseModel
from commentdesk.moderation.models.abuse_finetuned import load_abuse_model
from commentdesk.moderation.models.harm import HarmLoadError, HarmModel
from commentdesk.moderation.models.relevance import RelevanceModel
from commentdesk.moderation.models.weights_io import ModelLoadError, load_weights


def _npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _store(folder, name="toy", meta=None, **arrays):
    (folder / f"{name}.json").write_text(json.dumps({"version": "toy-1"} if meta is None else meta))
    (folder / f"{name}.npz").write_bytes(_npz_bytes(**(arrays or {"w": np.arange(3.0)})))


def test_the_builder_gets_the_metadata_and_every_array(tmp_path):
    _store(tmp_path, meta={"version": "toy-2"}, w=np.arange(3.0), b=np.array([0.5]))
    meta, arrays = load_weights(tmp_path, "toy", lambda meta, arrays: (meta, arrays))
    assert meta == {"version": "toy-2"}
    assert sorted(arrays) == ["b", "w"]
    assert arrays["w"].tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda folder: (folder / "toy.json").unlink(), id="missing json"),
        pytest.param(lambda folder: (folder / "toy.npz").unlink(), id="missing npz"),
        pytest.param(lambda folder: (folder / "toy.json").write_text("{not json"), id="bad json"),
        pytest.param(lambda folder: (folder / "toy.npz").write_bytes((folder / "toy.npz").read_bytes()[:40]), id="truncated npz"),
    ],
)
def test_unreadable_weights_are_one_error_naming_the_folder(tmp_path, spoil):
    _store(tmp_path)
    spoil(tmp_path)
    with pytest.raises(ModelLoadError, match=f"^cannot load toy model from {re.escape(str(tmp_path))}: "):
        load_weights(tmp_path, "toy", lambda meta, arrays: meta)


def test_a_key_the_builder_needs_but_the_files_lack_is_a_load_error(tmp_path):
    _store(tmp_path)
    with pytest.raises(ModelLoadError, match="cannot load toy model .*'heads'"):
        load_weights(tmp_path, "toy", lambda meta, arrays: meta["heads"])


def test_a_refusal_from_the_builder_keeps_its_own_words(tmp_path):
    _store(tmp_path)

    def refuse(meta, arrays):
        raise ModelLoadError("toy weights: the head has the wrong size")

    with pytest.raises(ModelLoadError, match="^toy weights: the head has the wrong size$"):
        load_weights(tmp_path, "toy", refuse)


def test_the_label_and_the_error_class_can_be_chosen(tmp_path):
    with pytest.raises(HarmLoadError, match="^cannot load the toy weights from "):
        load_weights(tmp_path, "toy", lambda meta, arrays: meta, label="the toy weights", error=HarmLoadError)


@pytest.mark.parametrize("load", [AbuseModel.load, RelevanceModel.load, HarmModel.load, load_abuse_model])
def test_every_model_reports_missing_weights_with_the_one_error(tmp_path, load):
    # callers such as the pipeline catch one error type for any model that cannot be read
    with pytest.raises(ModelLoadError, match=re.escape(str(tmp_path))):
        load(tmp_path)
