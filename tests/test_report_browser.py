"""Open the HTML report in headless Chromium: it must render its tables and load its images.

Needs a Chromium binary (Debian: ``apt-get install -y chromium``); skipped with a message
otherwise. Set ``NEUROVARIETY_CHROMIUM`` to use a specific binary and ``NEUROVARIETY_ARTIFACTS``
to keep the screenshot in a fixed directory (default: a fresh temporary directory, printed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from neurovariety.analysis import load_results, tidy_results
from neurovariety.architecture import Architecture
from neurovariety.report import write_report

pytestmark = pytest.mark.browser

MFA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mfa_pnns"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

# Runs after load: reports what the browser actually rendered, into the DOM for --dump-dom.
CHECK_JS = """
<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.map.call(document.images, function (i) {
    return {src: i.getAttribute("src"), complete: i.complete, naturalWidth: i.naturalWidth,
            naturalHeight: i.naturalHeight, shownWidth: i.getBoundingClientRect().width};
  });
  var tables = Array.prototype.map.call(document.querySelectorAll("table"), function (t) {
    return {id: t.id, rows: t.rows.length, height: t.getBoundingClientRect().height};
  });
  var out = document.createElement("pre");
  out.id = "nv-render-check";
  out.textContent = JSON.stringify({images: imgs, tables: tables, title: document.title});
  document.body.appendChild(out);
});
</script>
"""


def chromium_binary() -> str | None:
    explicit = os.environ.get("NEUROVARIETY_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() or shutil.which(explicit) else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def browser():
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium binary found (install Debian's `chromium`: apt-get install -y chromium, "
                    "or set NEUROVARIETY_CHROMIUM)")
    return binary


def _frame() -> pd.DataFrame:
    if MFA.is_dir():
        df = load_results(MFA)
        keep = df["widths"].isin([(3, 2, 1), (2, 2, 1, 1), (2, 2, 2), (3, 3, 1)])
        return pd.concat([df.sample(2000, random_state=0), df[keep]], ignore_index=True)
    rows = []
    for d0 in range(2, 5):
        for d1 in range(1, 6):
            a = Architecture((d0, d1, 1), 2)
            k = min(d0, d1)
            rows.append({"Widths": str(list(a.widths)), "Activation": 2, "Ambient Dimension": a.ambient_dim,
                         "Expected Dimension": a.expected_dim, "Dimension": d0 * k - k * (k - 1) // 2,
                         "Defect": 0, "Time Taken (seconds)": 0.001 * a.num_params})
    return tidy_results(pd.DataFrame(rows))


def test_report_renders_in_chromium(browser, tmp_path, capsys):
    artifacts = Path(os.environ.get("NEUROVARIETY_ARTIFACTS") or tempfile.mkdtemp(prefix="nv-report-browser-"))
    artifacts.mkdir(parents=True, exist_ok=True)
    report = artifacts / "report"
    summary = write_report(_frame(), report, title="browser test report")
    with capsys.disabled():
        print(f"\n[browser test] report and screenshot in {artifacts}")

    # 1. Screenshot: the page paints something other than a blank page.
    shot = artifacts / "index.png"
    proc = run_chromium(browser, tmp_path / "profile1", "--window-size=1280,2400", f"--screenshot={shot}",
                        (report / "index.html").as_uri())
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)[..., :3]
    assert img.shape[0] >= 2000 and img.shape[1] >= 1200
    assert float(np.var(img)) > 1e-3
    non_white = float((img.min(axis=2) < 0.9).mean())
    assert non_white > 0.02, f"screenshot is almost blank ({non_white:.3%} non-white pixels)"

    # 2. DOM after load: every table laid out, every image decoded (naturalWidth > 0).
    page = (report / "index.html").read_text(encoding="utf-8")
    probe = report / "_render_check.html"  # same folder, so relative image paths resolve
    probe.write_text(page.replace("</body>", CHECK_JS + "</body>"), encoding="utf-8")
    proc = run_chromium(browser, tmp_path / "profile2", "--virtual-time-budget=10000", "--dump-dom", probe.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    m = re.search(r'<pre id="nv-render-check">(.*?)</pre>', proc.stdout, re.S)
    assert m, "render check did not run: " + proc.stdout[-500:]
    import html

    state = json.loads(html.unescape(m.group(1)))
    (artifacts / "render_check.json").write_text(json.dumps(state, indent=2))
    assert state["title"] == "browser test report"
    images = state["images"]
    pngs = sorted(p.name for p in report.glob("*.png"))
    assert sorted(i["src"] for i in images) == pngs and len(pngs) >= 3
    for i in images:
        assert i["complete"] and i["naturalWidth"] > 100 and i["naturalHeight"] > 100, i
        assert i["shownWidth"] > 50, i
    tables = {t["id"]: t for t in state["tables"] if t["id"]}
    assert tables["checks-summary"]["rows"] == len(summary) + 1  # header + one row per check
    assert all(t["height"] > 0 for t in state["tables"])
    assert tables["overview-table"]["rows"] > 5
    counterexample_tables = [t for t in state["tables"] if not t["id"]]
    expected = sum(1 for s in summary.values() if s["failed"])
    assert len(counterexample_tables) == expected
