"""The book's own Sphinx extensions (``_ext/``), checked without a build."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import optlib_changed  # noqa: E402


class Env:
    """The part of Sphinx's BuildEnvironment the extension uses."""

    found_docs = ("intro", "adam", "references")

    def doc2path(self, name):
        return str(
            ROOT / "book" / (name + (".md" if name != "adam" else ".ipynb"))
        )  # a str in Sphinx 7


def test_an_edit_to_optlib_reruns_every_notebook(tmp_path, monkeypatch):
    lib = tmp_path / "optlib"
    lib.mkdir()
    (lib / "adam.py").write_text("BETA1 = 0.9\n")
    monkeypatch.setattr(optlib_changed, "OPTLIB", lib)
    env = Env()
    outdated = optlib_changed._outdated
    assert outdated(None, env, set(), set(), set()) == ["adam"]  # not known: re-run
    assert outdated(None, env, set(), set(), set()) == []  # nothing changed
    (lib / "adam.py").write_text("BETA1 = 0.95\n")
    assert outdated(None, env, set(), set(), set()) == ["adam"]  # the notebooks only
    assert outdated(None, env, set(), set(), set()) == []
    (lib / "new.py").write_text("")  # a new module counts too
    assert outdated(None, env, set(), set(), set()) == ["adam"]


def test_the_digest_covers_the_real_optlib():
    assert optlib_changed.OPTLIB == ROOT / "optlib"
    assert len(optlib_changed.digest()) == 64
