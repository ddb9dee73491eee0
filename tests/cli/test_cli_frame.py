"""The CLI frame: help for every command, domain errors as exit 2, a closed pipe is no crash."""

from __future__ import annotations

import sys

import pytest

from estates_planner.cli import build_parser, main


def test_every_command_has_help(capsys):
    from estates_planner import launcher

    commands = launcher.parser()._subparsers._group_actions[0].choices  # noqa: SLF001
    assert {"validate", "import", "info", "solve", "export", "gui"} <= set(commands)
    headless = build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001
    assert set(commands) - set(headless) == {"gui"}  # the CLI itself never imports ui/
    for name in commands:
        with pytest.raises(SystemExit) as exc:
            launcher.main([name, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert f"estates-planner {name}" in out


def test_domain_error_is_a_message_and_exit_2(tmp_path, capsys):
    missing = tmp_path / "nope.gpkg"
    code = main(["info", str(missing)])
    err = capsys.readouterr().err
    assert code == 2
    assert "nope.gpkg" in err
    assert "Traceback" not in err


def test_closed_pipe_is_not_an_error(monkeypatch):
    # `estates-planner info x.gpkg | head -1`: the reader closes the pipe while we still print
    import argparse

    import estates_planner.cli as cli

    def broken(args):
        raise BrokenPipeError(32, "Broken pipe")

    parser = argparse.ArgumentParser()
    parser.set_defaults(func=broken)
    monkeypatch.setattr(cli, "build_parser", lambda _commands: parser)
    real_stdout = sys.stdout
    try:
        assert cli.main([]) == 0
    finally:
        sys.stdout = real_stdout
