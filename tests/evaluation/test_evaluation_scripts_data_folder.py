"""The stand-alone evaluation scripts find the labeled data where `commentdesk eval` does: --data-dir,
else $COMMENTDESK_LABELED_DATA. A folder that is not there is named in the refusal, and nothing is
written. They keep embeddings where it does too: --cache-dir, else $COMMENTDESK_CACHE_DIR."""

from __future__ import annotations

import pytest

from commentdesk.evaluation import relevance_transfer, train_harm, transfer_pooled

SCRIPTS = [
    pytest.param(transfer_pooled.main, "no labeled data at", id="transfer_pooled"),
    pytest.param(train_harm.main, "no labeled data at", id="train_harm"),
    pytest.param(relevance_transfer.main, "no semeval2016_cqa under", id="relevance_transfer"),
]


@pytest.mark.parametrize(("main", "message"), SCRIPTS)
def test_without_data_dir_the_environment_names_the_folder(main, message, tmp_path, monkeypatch, capsys):
    missing = tmp_path / "labeled-elsewhere"
    monkeypatch.setenv("COMMENTDESK_LABELED_DATA", str(missing))
    assert main(["--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert message in error and str(missing) in error and "--data-dir" in error
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("main", "message"), SCRIPTS)
def test_the_output_folder_is_required(main, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([])
    assert stopped.value.code == 2 and "--out" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("module", "work", "cache_at"), [(train_harm, "train", 2), (transfer_pooled, "run", 1)], ids=["train_harm", "transfer_pooled"]
)
def test_without_cache_dir_the_environment_names_the_cache(module, work, cache_at, tmp_path, monkeypatch):
    class Stop(Exception):
        pass

    kept = []

    def canned(*given):
        kept.append(given[cache_at])
        raise Stop

    monkeypatch.setattr(module, work, canned)
    monkeypatch.setenv("COMMENTDESK_CACHE_DIR", str(tmp_path / "vectors"))
    with pytest.raises(Stop):
        module.main(["--data-dir", str(tmp_path), "--out", str(tmp_path / "out")])
    assert kept == [tmp_path / "vectors"]
