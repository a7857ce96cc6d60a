"""Configuration the Flask way: config.toml, then any ``MITSPRACHE_<KEY>``; the command line never shows a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import create_app
from core.config import ConfigError, write_config

ROOT = Path(__file__).resolve().parents[2]


def _app(tmp_path, clock):
    return create_app(instance_path=tmp_path, clock=clock, startup_checks=False)


def test_every_key_can_come_from_the_environment(tmp_path, monkeypatch, clock):
    write_config(tmp_path, plugins=["comments"], site_name="Aus der Datei")
    monkeypatch.setenv("MITSPRACHE_SITE_NAME", "Aus der Umgebung")
    monkeypatch.setenv("MITSPRACHE_COMMENT_RATE_LIMIT", "3 per minute")  # an extension's key, not a documented setting
    monkeypatch.setenv("MITSPRACHE_PROXIES", "2")
    monkeypatch.setenv("MITSPRACHE_EXTRA_HOSTS", "a.example, b.example")
    monkeypatch.setenv("MITSPRACHE_SECRET_KEY", "12345")  # JSON would make it a number
    app = _app(tmp_path, clock)
    assert app.config["SITE_NAME"] == "Aus der Umgebung"
    assert app.config["COMMENT_RATE_LIMIT"] == "3 per minute"
    assert app.config["PROXIES"] == 2
    assert app.config["EXTRA_HOSTS"] == ["a.example", "b.example"] and app.config["TRUSTED_HOSTS"] is None
    assert app.config["SECRET_KEY"] == "12345"
    monkeypatch.setenv("MITSPRACHE_PLUGINS", '["comments", "ideas"]')
    assert _app(tmp_path, clock).extensions["mitsprache"].plugin_names == ["comments", "ideas"]


def test_a_setting_of_the_wrong_kind_is_named(tmp_path, monkeypatch, clock):
    write_config(tmp_path)
    monkeypatch.setenv("MITSPRACHE_PROXIES", "zwei")
    with pytest.raises(ConfigError, match="proxies must be a whole number"):
        _app(tmp_path, clock)


def _cli(*args, cwd, env=None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MITSPRACHE_")}
    environ.update({"MITSPRACHE_INSTANCE": str(cwd)}, **(env or {}))
    return subprocess.run([sys.executable, "-c", "from core.cli import main; main()", *args],
                          capture_output=True, text=True, env=environ, cwd=ROOT, timeout=120)


def test_init_writes_the_plugins_the_environment_chose(tmp_path):
    done = _cli("init", "--base-url", "https://x.example", cwd=tmp_path, env={"MITSPRACHE_PLUGINS": "comments,ideas"})
    assert done.returncode == 0, done.stderr
    assert 'plugins = ["comments", "ideas"]' in (tmp_path / "config.toml").read_text()
    listing = _cli("plugins", cwd=tmp_path)
    assert "ideas            enabled" in listing.stdout and "voting           disabled" in listing.stdout


def test_commands_on_a_fresh_folder_say_what_to_do_in_one_line(tmp_path):
    done = _cli("plugins", cwd=tmp_path / "fresh")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "mitsprache init" in done.stderr


def test_init_adds_a_secret_key_to_a_config_without_one(tmp_path):
    (tmp_path / "config.toml").write_text('site_name = "Beteiligung Musterstadt"\nenvironment = "development"\n')
    done = _cli("init", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "added a secret key" in done.stdout
    text = (tmp_path / "config.toml").read_text()
    assert "secret_key = " in text and 'site_name = "Beteiligung Musterstadt"' in text


def test_a_broken_config_file_is_one_line(tmp_path):
    (tmp_path / "config.toml").write_text("secret_key = 'x'\nplugins = [comments\n")
    done = _cli("plugins", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "is not valid TOML" in done.stderr and done.stderr.strip().count("\n") == 0


def test_an_unreachable_database_is_one_line(tmp_path):
    done = _cli("db", "current", cwd=tmp_path, env={"MITSPRACHE_SECRET_KEY": "x",
                                                   "MITSPRACHE_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip().count("\n") == 0


def test_the_command_list_on_a_fresh_folder_has_no_traceback(tmp_path):
    """``mitsprache --help`` before ``mitsprache init``: the commands, and one line saying why the rest is missing."""
    done = _cli("--help", cwd=tmp_path / "fresh")
    assert done.returncode == 0 and "Traceback" not in done.stderr + done.stdout
    assert "  init " in done.stdout and done.stderr.strip().startswith("Note: ") and "mitsprache init" in done.stderr
    assert done.stderr.strip().count("\n") == 0
    bare = _cli(cwd=tmp_path / "fresh")  # no command: the same list
    assert "Traceback" not in bare.stderr + bare.stdout and "  init " in bare.stdout + bare.stderr
