"""`commentdesk sites sso`: set a site's sign-in key from a file, show only its fingerprint, turn it off."""

from commentdesk.cli import main

SECRET = "a-publisher-secret-that-is-long-enough-for-hs256"


def test_sso_key_from_a_file_and_off_again(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["sites", "add", "news", "--name", "News", "--database-url", url]) == 0
    key_file = tmp_path / "secret.txt"
    key_file.write_text(SECRET + "\n")
    assert main(["sites", "sso", "news", "--algorithm", "HS256", "--key-file", str(key_file), "--database-url", url]) == 0
    shown = capsys.readouterr().out
    assert "HS256, key fingerprint" in shown and SECRET not in shown
    assert main(["sites", "sso", "news", "--off", "--database-url", url]) == 0
    assert "sign-in for news: off" in capsys.readouterr().out


def test_an_unusable_key_is_refused(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["sites", "add", "news", "--name", "News", "--database-url", url]) == 0
    key_file = tmp_path / "not-a-key.pem"
    key_file.write_text("not a pem")
    assert main(["sites", "sso", "news", "--algorithm", "RS256", "--key-file", str(key_file), "--database-url", url]) == 2
    assert "PEM public key" in capsys.readouterr().err
    assert main(["sites", "sso", "nowhere", "--off", "--database-url", url]) == 2
