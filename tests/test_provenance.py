"""What runs record to be traced: software, the checkout's commit, the data file."""
import hashlib
import subprocess

from biochemml import provenance


def test_the_commit_is_biochemmls_own_not_the_project_around_an_installed_package(tmp_path):
    project = tmp_path / "project"
    package = project / ".venv" / "lib" / "site-packages" / "biochemml"
    package.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert provenance._git_commit(package) is None  # the user's repository is not ours
    checkout = tmp_path / "biochemml"
    (checkout / "src" / "biochemml").mkdir(parents=True)
    (checkout / "src" / "biochemml" / "__init__.py").write_text("")
    git = ["git", "-C", str(checkout), "-c", "user.email=a@b", "-c", "user.name=a"]
    subprocess.run(["git", "init", "-q", str(checkout)], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "x"], check=True)
    head = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    assert provenance._git_commit(checkout / "src" / "biochemml") == head
    (checkout / "src" / "biochemml" / "__init__.py").write_text("x = 1\n")
    assert provenance._git_commit(checkout / "src" / "biochemml") == head + "-dirty"


def test_a_data_file_is_recorded_by_path_size_and_checksum(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text("seq,v\nACGT,1\n")
    record = provenance.record(data)
    assert record["data_file"] == {"path": str(data.resolve()), "bytes": data.stat().st_size,
                                   "sha256": hashlib.sha256(data.read_bytes()).hexdigest()}
    assert record["command"] == "called from Python"
    assert "numpy" in record["software"]["packages"]
