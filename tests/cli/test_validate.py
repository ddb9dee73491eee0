"""``estates-planner validate``: every problem printed, errors first, and the exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

import estates_planner.cli as cli

IO_DATA = Path(__file__).resolve().parents[1] / "data" / "io"


@pytest.fixture(autouse=True)
def only_validate(monkeypatch):
    """Run the real CLI frame with just this command, independent of the other commands."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("data_commands",))


def test_valid_files_exit_zero(capsys):
    status = cli.main(["validate", str(IO_DATA / "sites_valid.csv"),
                       str(IO_DATA / "needs_valid.csv"), "--demand",
                       str(IO_DATA / "demand_valid.csv")])
    out = capsys.readouterr().out
    assert status == 0
    assert out == "OK: 0 errors, 0 warnings; 5 sites, 4 needs, 1 demand point without errors\n"


def test_errors_exit_one_and_come_before_warnings(capsys, tmp_path):
    needs = tmp_path / "needs.csv"
    needs.write_text((IO_DATA / "needs_broken.csv").read_text()
                     + "N9,Acme,ete,Atlantis,Camden,1,1,3,10,-0.14,51.54\n")
    status = cli.main(["validate", str(IO_DATA / "sites_broken.csv"), str(needs)])
    captured = capsys.readouterr()
    # the problems on stderr (as 'import' writes them), the verdict on stdout
    assert captured.out.splitlines() == [captured.out.splitlines()[-1]]
    lines = captured.err.splitlines() + captured.out.splitlines()
    assert status == 1
    assert lines[0] == ("error: sites_broken.csv, row 3, column 'kind': expected one of "
                        "authority, provider, market, got 'council'")
    assert len(lines) == 13 + 6 + 1 + 1
    assert lines[-2] == ("warning: needs.csv, row 8, column 'region': region 'Atlantis' has no "
                         "sites, so its 1 need (first in row 8) cannot be placed while needs "
                         "must stay in their own region")
    assert lines[-1] == "FAILED: 19 errors, 1 warning; 1 site, 2 needs without errors"


def test_warnings_alone_exit_zero(capsys, tmp_path):
    needs = tmp_path / "needs.csv"
    needs.write_text("need_id,provider,lot,region,pdu,desks,interview_rooms,days_per_week,"
                     "caseload,easting,northing\nN,P,ete,Atlantis,X,1,1,1,1,430000,433000\n")
    status = cli.main(["validate", str(IO_DATA / "sites_valid.csv"), str(needs)])
    out = capsys.readouterr().out
    assert status == 0
    assert out.splitlines()[-1] == "OK: 0 errors, 1 warning; 5 sites, 1 need without errors"


def test_missing_file_is_a_reported_error(capsys, tmp_path):
    status = cli.main(["validate", str(tmp_path / "nope.csv"),
                       str(IO_DATA / "needs_valid.csv")])
    err = capsys.readouterr().err
    assert status == 1
    assert err.splitlines()[0] == (f"error: nope.csv: the file does not exist (looked for "
                                   f"{tmp_path / 'nope.csv'})")


def test_help_describes_the_command(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["validate", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--demand FILE" in out and "Exit status 0 when there are no errors" in out


def test_validate_and_import_write_problems_to_the_same_stream(capsys, tmp_path, monkeypatch):
    """Issue 18: validate printed its errors to stdout while import printed them to stderr."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("data_commands", "project_commands"))
    args = [str(IO_DATA / "sites_broken.csv"), str(IO_DATA / "needs_valid.csv")]
    assert cli.main(["validate", *args]) == 1
    validated = capsys.readouterr()
    assert cli.main(["import", *args, "-o", str(tmp_path / "p.gpkg")]) == 1
    imported = capsys.readouterr()
    problems = [line for line in validated.err.splitlines() if line.startswith("error: ")]
    assert len(problems) == 16
    assert [line for line in imported.err.splitlines() if line.startswith("error: ")] == problems
    assert not any(line.startswith(("error: ", "warning: "))
                   for line in validated.out.splitlines() + imported.out.splitlines())
