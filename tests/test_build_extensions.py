"""The book's own Sphinx extensions (``_ext/``), checked without a build."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import optlib_changed  # noqa: E402
import parallel_read  # noqa: E402


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


def test_a_build_that_executes_nothing_keeps_the_last_execution_report(tmp_path, monkeypatch):
    from myst_nb.sphinx_ import NbMetadataCollector

    class App:
        outdir = str(tmp_path / "html")
        parallel = 3

    report = tmp_path / "execution.json"
    runtimes = {"book/adam": {"runtime": 12.5}}
    monkeypatch.setattr(NbMetadataCollector, "get_exec_data", lambda env, name: runtimes.get(name))
    monkeypatch.setattr(parallel_read, "_read_started", [0.0, ["book/adam", "book/intro"]])
    parallel_read._after_read(App, None)
    first = json.loads(report.read_text())
    assert first["notebook_runtimes_s"] == {"book/adam": 12.5} and first["documents_read"] == 2
    runtimes.clear()  # an unchanged book: read again, nothing executed
    parallel_read._after_read(App, None)
    assert json.loads(report.read_text()) == first
