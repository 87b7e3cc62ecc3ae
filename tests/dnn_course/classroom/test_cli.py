"""classroom status and stop on a folder that is no classroom: exit 2 or nothing done, a clear line, nothing made."""
from classroom_setup import classroom_command, need_root


def test_status_of_a_folder_that_is_no_classroom(tmp_path):
    done = classroom_command("status", "--dir", str(tmp_path / "nothing"))
    assert done.returncode == 2
    assert done.stderr.startswith("classroom status: ") and "is not a classroom folder" in done.stderr
    assert not (tmp_path / "nothing").exists()


def test_stop_of_a_classroom_that_does_not_run(tmp_path):
    need_root()
    done = classroom_command("stop", "--dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "was not running" in done.stdout
    assert list(tmp_path.iterdir()) == []
