"""Both kinds of abuse weights are read and checked the same way."""

import shutil

import numpy as np
import pytest

from commentdesk.moderation.models.abuse import WEIGHTS_DIR, AbuseModel
from commentdesk.moderation.models.abuse_finetuned import FineTunedAbuseModel, load_abuse_model
from commentdesk.moderation.models.weights_io import ModelLoadError

KINDS = [
    pytest.param(WEIGHTS_DIR, AbuseModel, id="linear"),
    pytest.param(WEIGHTS_DIR / "finetuned", FineTunedAbuseModel, id="fine-tuned"),
]


def _copy_abuse_weights(source, folder, lexical_size_change=0):
    shutil.copy(source / "abuse.json", folder / "abuse.json")
    with np.load(source / "abuse.npz", allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    size = len(arrays["lexical_w"]) + lexical_size_change
    arrays["lexical_w"] = np.resize(arrays["lexical_w"], size)
    np.savez(folder / "abuse.npz", **arrays)


@pytest.mark.parametrize(("source", "kind"), KINDS)
def test_each_kind_is_read_as_itself(tmp_path, source, kind):
    _copy_abuse_weights(source, tmp_path)
    assert isinstance(load_abuse_model(tmp_path), kind)


@pytest.mark.parametrize("change", [-1, 1])
@pytest.mark.parametrize(("source", "kind"), KINDS)
def test_lexical_weights_that_do_not_fit_their_spec_are_refused(tmp_path, source, kind, change):
    _copy_abuse_weights(source, tmp_path, lexical_size_change=change)
    with pytest.raises(ModelLoadError, match="^abuse weights: lexical weight size does not match its spec$"):
        kind.load(tmp_path)
