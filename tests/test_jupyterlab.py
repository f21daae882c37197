"""The Jupyter edition, checked the way a reader uses it.

JupyterLab from the book's environment serves a copy of ``book/`` (made under
``_build/jupyterlab/``, so a chapter finds the repository above it as it does in place)
and headless Chromium opens every chapter of the table of contents, as a reader would:

- Run All: no cell fails, and every ``{eval}`` number in the prose evaluates;
- the rendered prose shows no raw MyST (roles, directive options, label targets) and no
  reference or citation that jupyterlab-myst marks as not found;
- sections and exercises carry the numbers the website gives them (9.2.1, Exercise 9.3);
- every explorer: its first slider moves a few steps, and the figure changes each time
  (how long each change takes is recorded, not asserted: machines are noisy);
- save, shut the kernel down, reopen: every explorer is drawn again from the widget state
  saved in the notebook, and no "Error displaying widget" shows.

What it measured (Run All time, median slider latency per explorer) is written to
``_build/jupyterlab/report.json``, with a screenshot of each chapter beside it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from test_notebooks import toc_files
from test_references import chapter_numbers, prose

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "_build" / "jupyterlab"
TOKEN = uuid.uuid4().hex
CHAPTERS = [f"{Path(e).name}.ipynb" for e in toc_files() if (ROOT / f"{e}.ipynb").exists()]
SETTINGS = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
SERVER = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "optbook.json"
NO_NAGLE = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.py"

# what MyST source looks like when a renderer did not understand it (a label target is
# ASCII with a hyphen, as every label of the book: rendered maths may put "(θ)=" on a line)
RAW_MYST = re.compile(
    r"\{(?:glue|eval|cite|ref|eq|numref|exercise|solution|doc)[}:]|^:(?:label|class):"
    r"|^\([A-Za-z0-9_]+-[A-Za-z0-9_-]+\)=\s*$|^```",
    re.M,
)

# in the page: the chapter's explorers (an output holding sliders and a figure)
EXPLORERS = """() => [...window.jupyterapp.shell.currentWidget.node
    .querySelectorAll('.jp-OutputArea-output')].filter(
    o => o.querySelector('.widget-hslider') && o.querySelector('img.widget-image'))"""

RUN_FINISHED = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  return panel.content.widgets.filter(c => c.model.type === 'code')
    .every(c => c.model.executionCount !== null);
}"""

REPORT = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.widgets;
  const errors = [];
  const evalErrors = [];
  const prose = [];
  const unresolved = [];
  cells.forEach((c, i) => {
    if (c.model.type === 'code') {
      for (const o of c.model.outputs.toJSON()) {
        if (o.output_type === 'error') errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
      }
    } else if (c.model.type === 'markdown') {
      const results = c.model.getMetadata('user_expressions') || [];
      const evaluated = new Set(results.filter(e => e.result && e.result.status === 'ok')
                                       .map(e => e.expression));
      for (const m of c.model.sharedModel.getSource().matchAll(/\\{eval\\}`([^`]*)`/g)) {
        if (!evaluated.has(m[1])) evalErrors.push(`cell ${i}: ${m[1]}`);
      }
      const shown = c.node.querySelector('.jp-MarkdownOutput, .myst');
      prose.push(shown ? shown.innerText : '');
      // jupyterlab-myst's mark for a reference or citation it cannot resolve
      for (const e of c.node.querySelectorAll('[title$="Not Found"], [title$="No Label"]')) {
        unresolved.push(`cell ${i}: ${e.title}: ${e.innerText}`);
      }
    }
  });
  const headings = [...panel.node.querySelectorAll('.jp-MarkdownCell :is(h2, h3, h4)')]
    .map(h => (h.textContent.match(/^\\d+(\\.\\d+)*/) || [''])[0]);
  return {errors, evalErrors, unresolved, headings, prose: prose.join('\\n')};
}"""

# resolves with the time from the next key press to a new figure in explorer i
LATENCY = """(i) => {
  const box = (EXPLORERS)()[i];
  const figure = () => [...box.querySelectorAll('img.widget-image')].pop();  // the data layer
  const before = figure().src;
  window.__latency = new Promise(resolve => {
    let t0 = null;
    document.addEventListener('keydown', () => { t0 = performance.now(); },
                              {capture: true, once: true});
    const seen = new MutationObserver(() => {
      const img = figure();
      if (t0 !== null && img && img.src !== before) {
        seen.disconnect();
        resolve(performance.now() - t0);
      }
    });
    seen.observe(box, {subtree: true, childList: true, attributes: true});
    setTimeout(() => { seen.disconnect(); resolve(null); }, 20000);
  });
}""".replace("EXPLORERS", EXPLORERS)


def website_numbers(name):
    """The numbers the website gives a chapter's sections (chapter.section[.subsection])
    and exercises, from the table of contents and the chapter's own headings."""
    chapter = chapter_numbers().get(Path(name).stem)
    if chapter is None:
        return [], []
    markdown = prose(ROOT / "book" / name)
    sections, counts = [], [0, 0, 0]
    for hashes in re.findall(
        r"^(#{2,4}) ", re.sub(r"^```.*?^```", "", markdown, flags=re.M | re.S), re.M
    ):
        depth = len(hashes) - 2
        counts[depth] += 1
        counts[depth + 1 :] = [0] * (2 - depth)
        sections.append(".".join(map(str, [chapter, *counts[: depth + 1]])))
    exercises = len(re.findall(r"^```\{exercise\}", markdown, re.M))
    return sections, [f"{chapter}.{k}" for k in range(1, exercises + 1)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, chromium):
    """JupyterLab on localhost over a fresh copy of the chapters, with its own user
    settings and workspace directories (a reader's own settings must not matter)."""
    for path in (SETTINGS, SERVER, NO_NAGLE):
        assert path.exists(), (
            f"{path} is missing: `make setup` installs the book's JupyterLab settings "
            "(widget state saved with the notebook, Jupyter's own notary)"
        )
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(ROOT / "book", WORK / "book")
    home = tmp_path_factory.mktemp("jupyter")
    env = dict(
        os.environ,
        OPTBOOK_EXPLORER_POINTS="3",  # the kernels check the build's few; nbval checks 64
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
    )
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={WORK}",
            "--LabApp.expose_app_in_browser=True",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=5)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("JupyterLab did not start")
    yield url, chromium
    process.terminate()
    process.wait(timeout=30)
    (WORK / "report.json").write_text(json.dumps(MEASURED, indent=1) + "\n")


MEASURED = {}


def shut_down_kernels(url, name):
    """Shut down the kernel of chapter ``name`` (the next chapter's, started ahead, runs on)."""
    request = urllib.request.Request(f"{url}/api/sessions?token={TOKEN}")
    for session in json.loads(urllib.request.urlopen(request, timeout=10).read()):
        if session["path"] != f"book/{name}":
            continue
        urllib.request.urlopen(
            urllib.request.Request(
                f"{url}/api/sessions/{session['id']}?token={TOKEN}", method="DELETE"
            ),
            timeout=30,
        )


def start_chapter(browser, url, name):
    """A page that starts opening chapter ``name`` alone; ``ready`` waits for it."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{url}/lab/tree/book/{name}?reset&token={TOKEN}", wait_until="commit")
    return page


def ready(page):
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext"
        " && window.jupyterapp.shell.currentWidget.sessionContext.isReady",
        timeout=90_000,
    )
    return page


def open_chapter(browser, url, name):
    return ready(start_chapter(browser, url, name))


# chapters started ahead: the next chapter opens (its page, its kernel) while one runs
AHEAD = {}


@pytest.mark.parametrize("name", CHAPTERS, ids=lambda n: Path(n).stem)
def test_chapter_reads_and_runs_in_jupyterlab(lab, name):
    url, browser = lab
    page = AHEAD.pop(name, None) or start_chapter(browser, url, name)
    following = CHAPTERS[CHAPTERS.index(name) + 1 : CHAPTERS.index(name) + 2]
    for after in following:
        if after not in AHEAD:
            AHEAD[after] = start_chapter(browser, url, after)
    ready(page)
    started = time.perf_counter()
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(500)
    page.wait_for_function(RUN_FINISHED, timeout=300_000, polling=200)
    run_all = time.perf_counter() - started
    try:  # markdown cells evaluate their {eval} roles after the code, then render the values
        page.wait_for_function(
            f"() => {{ const r = ({REPORT})();"
            " return r.evalErrors.length === 0 && !/\\b\\w+_text\\b/.test(r.prose); }",
            timeout=30_000,
        )
    except Exception:
        pass  # reported below
    report = page.evaluate(REPORT)
    assert not report["errors"], f"{name}: cells failed: {report['errors']}"
    assert not report["evalErrors"], f"{name}: prose numbers not shown: {report['evalErrors']}"
    names = sorted(set(re.findall(r"\b\w+_text\b", report["prose"])))
    assert not names, f"{name}: the prose shows names, not numbers: {names}"
    assert not report["unresolved"], f"{name}: unresolved in JupyterLab: {report['unresolved']}"
    raw = sorted({m.group(0) for m in RAW_MYST.finditer(report["prose"])})
    assert not raw, f"{name}: raw MyST shows in the prose: {raw}"
    sections, exercises = website_numbers(name)
    expected = sections or [""] * len(report["headings"])  # a page the website does not number
    assert report["headings"] == expected, (
        f"{name}: sections numbered {report['headings']}, on the website {sections}"
    )
    shown = sorted(set(re.findall(r"Exercise\s(\d+\.\d+)", report["prose"])))
    assert shown == sorted(exercises), f"{name}: exercises {shown}, on the website {exercises}"

    latencies = []
    n = page.evaluate(f"() => ({EXPLORERS})().length")
    for i in range(n):
        handle = page.locator(".jp-NotebookPanel:visible .widget-hslider .noUi-handle").nth(
            page.evaluate(
                "(i) => [...window.jupyterapp.shell.currentWidget.node"
                ".querySelectorAll('.widget-hslider .noUi-handle')]"
                f".indexOf(({EXPLORERS})()[i].querySelector('.widget-hslider .noUi-handle'))",
                i,
            )
        )
        handle.scroll_into_view_if_needed()
        at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        moves = []
        for k in range(5):
            key = "ArrowLeft" if (k % 2 == 0) == at_end else "ArrowRight"
            page.evaluate(LATENCY, i)
            handle.focus()
            page.keyboard.press(key)
            moves.append(page.evaluate("window.__latency"))
        assert None not in moves, f"{name}: explorer {i + 1}'s figure did not follow its slider"
        latencies.append(sorted(moves)[len(moves) // 2])
    page.screenshot(path=str(WORK / f"{Path(name).stem}.png"))

    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000
    )
    page.close()
    shut_down_kernels(url, name)
    page = open_chapter(browser, url, name)
    try:  # the widget manager restores the saved models, then draws them
        page.wait_for_function(f"() => ({EXPLORERS})().length >= {n}", timeout=30_000)
    except Exception:
        pass  # counted below
    page.wait_for_timeout(1000)
    text = page.evaluate("() => window.jupyterapp.shell.currentWidget.node.innerText")
    drawn = page.evaluate(f"() => ({EXPLORERS})().length")
    names = sorted(set(re.findall(r"\b\w+_text\b", page.evaluate(REPORT)["prose"])))
    page.screenshot(path=str(WORK / f"{Path(name).stem}-reopened.png"))
    page.close()
    shut_down_kernels(url, name)
    assert "Error displaying widget" not in text, f"{name}: reopened with widget errors"
    assert drawn == n, f"{name}: reopened with {drawn} of its {n} explorers drawn"
    assert not names, f"{name}: reopened showing names, not numbers: {names}"
    MEASURED[name] = {
        "run_all_s": round(run_all, 2),
        "explorers": n,
        "median_slider_latency_ms": [round(x, 1) for x in latencies],
    }
