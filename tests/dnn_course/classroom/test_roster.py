"""A bad roster stops `classroom start` with exit 2 and a clear message before anything is made."""
import pwd

import pytest

from classroom_setup import classroom_command, need_root, unique_names
from dnn_course.classroom.roster import RosterError, read_roster

GOOD_HEADER = "id,name,email\n"


@pytest.mark.parametrize("text, says", [
    ("id,name\nabc,A B\n", "has no column email"),
    (GOOD_HEADER + "{a},A,a@x.org\n{a},B,b@x.org\n", "is already on line 2"),
    (GOOD_HEADER + "Bad.Name,A,a@x.org\n", "'Bad.Name' is not a valid Unix account name"),
    (GOOD_HEADER + "1abc,A,a@x.org\n", "'1abc' is not a valid Unix account name"),
    (GOOD_HEADER + "{a},A: B,a@x.org\n", "the name holds ':'"),
    (GOOD_HEADER, "lists no learner"),
])
def test_bad_roster_is_refused_and_nothing_is_made(tmp_path, text, says):
    need_root()
    a, instructor = unique_names(2)
    roster = tmp_path / "roster.csv"
    roster.write_text(text.format(a=a))
    room = tmp_path / "room"
    done = classroom_command("start", "--dir", str(room), "--roster", str(roster),
                             "--instructor", instructor)
    assert done.returncode == 2, done.stdout + done.stderr
    assert says in done.stderr and done.stderr.startswith("classroom start: ")
    assert "Traceback" not in done.stderr
    assert not room.exists()
    for name in (a, instructor):
        with pytest.raises(KeyError):
            pwd.getpwnam(name)


def test_an_existing_account_is_never_taken_over(tmp_path):
    need_root()
    roster = tmp_path / "roster.csv"
    roster.write_text(GOOD_HEADER + "daemon,Not A Learner,d@x.org\n")
    done = classroom_command("start", "--dir", str(tmp_path / "room"), "--roster", str(roster),
                             "--instructor", unique_names(1)[0])
    assert done.returncode == 2
    assert "'daemon' already exists on this machine" in done.stderr
    assert not (tmp_path / "room").exists()


def test_the_instructor_cannot_be_on_the_roster(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(GOOD_HEADER + "teach,T,t@x.org\n")
    from dnn_course.classroom.accounts import plan
    from dnn_course.classroom.layout import Layout

    with pytest.raises(RosterError, match="lists 'teach', the instructor's account"):
        plan(Layout(tmp_path / "room"), read_roster(roster), "teach")


def test_roster_columns_are_read_in_any_order_and_case(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("Email,ID,Name,Password\nada@x.org,ada,Ada L,pw-1\nal@x.org,al,Al T,\n")
    learners = read_roster(roster)
    assert [(l.id, l.name, l.email, l.password) for l in learners] == [
        ("ada", "Ada L", "ada@x.org", "pw-1"), ("al", "Al T", "al@x.org", "")]
