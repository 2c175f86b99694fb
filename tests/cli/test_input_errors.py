"""Commands that read files say in one line what is wrong and what to do, and exit non-zero."""

from __future__ import annotations

import pytest

from commentdesk.cli import main
from commentdesk.evaluation.retraining import describe_decisions


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def assert_one_line_error(err: str, *words: str) -> None:
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def database(tmp_path, capsys) -> str:
    """An SQLite database with one site, 'news'."""
    url = f"sqlite:///{tmp_path / 'commentdesk.sqlite3'}"
    assert main(["sites", "add", "news", "--name", "News", "--database-url", url]) == 0
    capsys.readouterr()
    return url


@pytest.mark.models
def test_eval_without_the_labeled_sets_names_the_missing_file_and_the_flag(tmp_path, capsys):
    code, err = run(capsys, "eval", "--set", "c3", "--data-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert code == 2
    assert_one_line_error(err, "nowhere", "--data-dir")


def test_eval_file_that_does_not_exist(tmp_path, capsys):
    code, err = run(capsys, "eval", "--file", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "out"))
    assert code == 2
    assert_one_line_error(err, "missing.jsonl", "does not exist", "--file")


def test_eval_file_that_is_not_json_lines(tmp_path, capsys):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"article": {"title": "Rates", "body": "Rates held."}, "text": "Fine.", "label": "ok"}\n{not json\n')
    code, err = run(capsys, "eval", "--file", str(broken), "--out", str(tmp_path / "out"))
    assert code == 2
    assert_one_line_error(err, "broken.jsonl", ":2", "--file")


def test_eval_articles_file_that_is_missing_or_not_json(tmp_path, capsys):
    labeled = tmp_path / "labeled.jsonl"
    labeled.write_text('{"article": "rates", "text": "Fine.", "label": "ok"}\n')
    articles = tmp_path / "articles.json"
    code, err = run(capsys, "eval", "--file", str(labeled), "--articles", str(articles), "--out", str(tmp_path / "out"))
    assert code == 2
    assert_one_line_error(err, "articles.json", "does not exist", "--articles")
    articles.write_text('{"rates": {"title": "Rates"')
    code, err = run(capsys, "eval", "--file", str(labeled), "--articles", str(articles), "--out", str(tmp_path / "out"))
    assert code == 2
    assert_one_line_error(err, "articles.json", "not valid JSON", "--articles")


def test_train_without_the_labeled_sets(tmp_path, capsys):
    code, err = run(capsys, "train", "--data-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path / "weights"))
    assert code == 2
    assert_one_line_error(err, "nowhere", "does not exist", "--data-dir")
    assert not (tmp_path / "weights").exists()


def test_train_from_a_database_that_does_not_exist(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    code, err = run(
        capsys,
        "train",
        "--data-dir",
        str(tmp_path / "data"),
        "--out",
        str(tmp_path / "weights"),
        "--decisions-from-db",
        f"sqlite:///{tmp_path / 'missing.sqlite3'}",
    )
    assert code == 2
    assert_one_line_error(err, "missing.sqlite3", "--decisions-from-db")
    assert not (tmp_path / "missing.sqlite3").exists()  # not created empty on the way


def test_train_from_a_file_that_is_not_a_database(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("these are not decisions\n" * 100)
    code, err = run(
        capsys,
        "train",
        "--data-dir",
        str(tmp_path / "data"),
        "--out",
        str(tmp_path / "weights"),
        "--decisions-from-db",
        f"sqlite:///{not_a_database}",
    )
    assert code == 2
    assert_one_line_error(err, "notes.txt", "--decisions-from-db")


def test_train_from_a_site_the_database_does_not_have(tmp_path, capsys, database):
    (tmp_path / "data").mkdir()
    code, err = run(
        capsys,
        "train",
        "--data-dir",
        str(tmp_path / "data"),
        "--out",
        str(tmp_path / "weights"),
        "--decisions-from-db",
        database,
        "--site",
        "sport",
    )
    assert code == 2
    assert_one_line_error(err, "'sport'", "--site")


def test_train_into_a_folder_that_holds_weights_already(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    (tmp_path / "weights").mkdir()
    (tmp_path / "weights" / "abuse.json").write_text("{}")
    code, err = run(capsys, "train", "--data-dir", str(tmp_path / "data"), "--out", str(tmp_path / "weights"))
    assert code == 2
    assert_one_line_error(err, "weights is not empty", "--out")
    assert (tmp_path / "weights" / "abuse.json").read_text() == "{}"


def test_train_says_which_decisions_it_learns_from_and_why_not_the_others():
    labels = [
        {"text": "t", "article_title": "a", "label": label} for label in ("ok", "abusive", "off_topic", "off_topic", "spam")
    ]
    said = describe_decisions(labels)
    assert said.startswith("5 moderator decisions found; the abuse model learns from 2: 1 rejected as abusive, 1 approved.")
    assert "not used: 2 off-topic rejections" in said
    assert "not used: 1 spam rejections" in said


def test_import_of_a_file_that_does_not_exist(tmp_path, capsys, database):
    code, err = run(capsys, "import", "disqus", str(tmp_path / "export.xml"), "--site", "news", "--database-url", database)
    assert code == 2
    assert_one_line_error(err, "export.xml", "Disqus export")


@pytest.mark.parametrize("source, content", [("disqus", b"\xff\xfe not xml"), ("wordpress", b""), ("isso", b"not a database")])
def test_import_of_a_malformed_file(tmp_path, capsys, database, source, content):
    path = tmp_path / "source.file"
    path.write_bytes(content)
    code, err = run(capsys, "import", source, str(path), "--site", "news", "--database-url", database)
    assert code == 2
    assert_one_line_error(err, "source.file", "nothing was imported", "Check that it is")
