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
import socket
import subprocess
import tempfile
import threading
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
CHECK_JS = r"""
<script>
window.addEventListener("load", function () {
  function column(table, index) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (row) {
      var c = row.cells[index];
      var v = c.getAttribute("data-value");
      return v === null ? c.textContent.trim() : v;
    });
  }
  var imgs = Array.prototype.map.call(document.images, function (i) {
    return {src: i.getAttribute("src"), complete: i.complete, naturalWidth: i.naturalWidth,
            naturalHeight: i.naturalHeight, shownWidth: i.getBoundingClientRect().width};
  });
  var tables = Array.prototype.map.call(document.querySelectorAll("table"), function (t) {
    return {id: t.id, cls: t.className, rows: t.rows.length, height: t.getBoundingClientRect().height};
  });
  // Sorting: click every header of every sortable table twice, record the column after each click.
  var sorts = [];
  Array.prototype.forEach.call(document.querySelectorAll("table.nv-table"), function (t) {
    if (!t.tBodies[0] || t.tBodies[0].rows.length < 2) { return; }
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, index) {
      var before = column(t, index);
      th.click();
      var up = column(t, index), upState = th.getAttribute("aria-sort");
      th.click();
      sorts.push({table: t.id, column: th.textContent, before: before, ascending: up, ascendingState: upState,
                  descending: column(t, index), descendingState: th.getAttribute("aria-sort")});
    });
  });
  // Filtering: type the first cell of the last row into each filter box.
  var filters = Array.prototype.map.call(document.querySelectorAll(".nv-tools"), function (tools) {
    var t = document.getElementById(tools.getAttribute("data-for"));
    var rows = t.tBodies[0].rows, word = rows[rows.length - 1].cells[0].textContent.trim();
    var input = tools.querySelector("input");
    input.value = word;
    input.dispatchEvent(new Event("input"));
    var shown = Array.prototype.filter.call(rows, function (r) { return !r.hidden; });
    var words = word.toLowerCase().split(/\s+/).filter(Boolean);  // a row matches when it contains every word
    function matches(r) { var t = r.textContent.toLowerCase(); return words.every(function (w) { return t.indexOf(w) >= 0; }); }
    var result = {table: t.id, word: word, total: rows.length, shown: shown.length,
                  allMatch: shown.every(matches), expected: Array.prototype.filter.call(rows, matches).length,
                  counter: tools.querySelector(".nv-count").textContent};
    input.value = "";
    input.dispatchEvent(new Event("input"));
    return result;
  });
  var links = Array.prototype.map.call(document.querySelectorAll("a[href]"), function (a) { return a.getAttribute("href"); });
  var ids = Array.prototype.map.call(document.querySelectorAll("[id]"), function (e) { return e.id; });
  var resources = performance.getEntriesByType("resource").map(function (e) { return e.name; });
  var copies = Array.prototype.map.call(document.querySelectorAll("button.nv-copy"), function (b) {
    var target = document.getElementById(b.getAttribute("data-copy"));
    return {target: b.getAttribute("data-copy"), text: target ? target.textContent : null};
  });
  var out = document.createElement("pre");
  out.id = "nv-render-check";
  out.textContent = JSON.stringify({images: imgs, tables: tables, title: document.title, sorts: sorts,
    filters: filters, links: links, ids: ids, resources: resources, copies: copies, location: location.href,
    maths: document.querySelectorAll("math").length});
  document.body.appendChild(out);
});
</script>
"""


class ProxyRecorder:
    """A local TCP listener posing as Chromium's proxy: every request for a non-local address
    arrives here (and is answered with an error), so the requests it records are those that
    would have left the machine."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.requests: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.requests.append(conn.recv(4096).decode("latin-1").split("\r\n", 1)[0])
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    self.requests.append("(connection without a request line)")

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


# Keep Chromium's own background traffic (updates, safe browsing, ...) off, so that what the
# proxy sees comes from the page. The component updater and the account service still call home
# with all of these; their requests (to exactly these hosts, never named by a report) are set aside.
BROWSER_SERVICES = ("update.googleapis.com", "accounts.google.com", "clients2.google.com")
QUIET = ("--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
         "--disable-client-side-phishing-detection", "--disable-domain-reliability", "--no-pings",
         "--safebrowsing-disable-auto-update", "--disable-breakpad", "--disable-field-trial-config",
         "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,"
         "NetworkTimeServiceQuerying,SafeBrowsing,CertificateTransparencyComponentUpdater,AccountConsistency,"
         "ChromeSignin,SigninInterception,PushMessaging,InterestFeedContentSuggestions")


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
           "--hide-scrollbars", *QUIET, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def browser():
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium binary found (install Debian's `chromium`: apt-get install -y chromium, "
                    "or set NEUROVARIETY_CHROMIUM)")
    return binary


def _exponent_rows() -> pd.DataFrame:
    """Architectures at r = 1..5 (computed, certified), so that the report draws its architecture × r view."""
    import neurovariety as nv

    widths = [(2, 1, 2, 1), (3, 1, 2, 1), (2, 1, 3, 1), (3, 5, 1), (3, 2, 1), (2, 2, 2, 1)]
    dims = nv.dimensions([(w, r) for w in widths for r in range(1, 6)], seed=0, progress=False)
    raw = pd.DataFrame({"Widths": dims["widths"].map(lambda w: str(list(w))), "Activation": dims["r"],
                        "Ambient Dimension": dims["ambient"], "Expected Dimension": dims["expected"],
                        "Dimension": dims["dimension"], "Defect": dims["defect"], "Time Taken (seconds)": dims["seconds"],
                        "Certified": dims["certified"]})
    return tidy_results(raw)


def _frame() -> pd.DataFrame:
    extra = _exponent_rows()
    if MFA.is_dir():
        df = load_results(MFA)
        keep = df["widths"].isin([(3, 2, 1), (2, 2, 1, 1), (2, 2, 2), (3, 3, 1)])
        deep = (df["depth"] == 3) & (df["d0"] == 2) & (df["dL"] == 1)  # full d1 × d2 slices
        return pd.concat([df.sample(2000, random_state=0), df[keep | deep], extra], ignore_index=True)
    rows = []
    for d0 in range(2, 5):
        for d1 in range(1, 6):
            a = Architecture((d0, d1, 1), 2)
            k = min(d0, d1)
            rows.append({"Widths": str(list(a.widths)), "Activation": 2, "Ambient Dimension": a.ambient_dim,
                         "Expected Dimension": a.expected_dim, "Dimension": d0 * k - k * (k - 1) // 2,
                         "Defect": 0, "Time Taken (seconds)": 0.001 * a.num_params})
    for d1 in range(1, 5):
        for d2 in range(1, 5):
            a = Architecture((2, d1, d2, 1), 2)
            rows.append({"Widths": str(list(a.widths)), "Activation": 2, "Ambient Dimension": a.ambient_dim,
                         "Expected Dimension": a.expected_dim, "Dimension": nv_dimension(a),
                         "Defect": a.expected_dim - nv_dimension(a), "Time Taken (seconds)": 0.001 * a.num_params})
    return pd.concat([tidy_results(pd.DataFrame(rows)), extra], ignore_index=True)


def nv_dimension(a: Architecture) -> int:
    import neurovariety as nv

    return int(nv.dimension(a.widths, a.r, seed=0).dimension)


def _render_state(browser: str, report: Path, profile: Path, page: str, proxy: ProxyRecorder) -> dict:
    """Load ``page`` (written next to index.html, so relative paths resolve) and return what the probe saw."""
    probe = report / "_render_check.html"
    probe.write_text(page.replace("</body>", CHECK_JS + "</body>"), encoding="utf-8")
    try:
        proc = run_chromium(browser, profile, f"--proxy-server=http://127.0.0.1:{proxy.port}",
                            "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=10000", "--dump-dom", probe.as_uri())
    finally:
        probe.unlink()
    assert proc.returncode == 0, proc.stderr[-2000:]
    m = re.search(r'<pre id="nv-render-check">(.*?)</pre>', proc.stdout, re.S)
    assert m, "render check did not run: " + proc.stdout[-500:]
    import html

    state: dict = json.loads(html.unescape(m.group(1)))
    return state


def _browser_service(request_line: str) -> bool:
    parts = request_line.split()
    if len(parts) < 2:
        return False
    target = parts[1]
    host = target.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host in BROWSER_SERVICES


def _key(text: str):
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def _assert_sorted(sort: dict) -> None:
    values = [v for v in sort["ascending"] if v != ""]
    assert sort["ascendingState"] == "ascending" and sort["descendingState"] == "descending", sort
    assert sorted(sort["ascending"]) == sorted(sort["before"]), sort  # a permutation of the rows
    numeric = all(_key(v)[0] == 0 for v in values)
    if numeric:
        assert [float(v) for v in values] == sorted(float(v) for v in values), sort
        down = [float(v) for v in sort["descending"] if v != ""]
        assert down == sorted(down, reverse=True), sort
    assert sort["ascending"][len(values):] == [""] * (len(sort["ascending"]) - len(values)), sort  # empty cells last


def _assert_links_resolve(report: Path, state: dict) -> None:
    ids = set(state["ids"])
    for href in state["links"]:
        assert not re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I) and not href.startswith("/"), href  # relative only
        if href.startswith("#"):
            assert href[1:] in ids, f"link to a missing anchor {href}"
            continue
        target = (report / href.split("#")[0]).resolve()
        assert target.is_file(), f"link to a missing file {href}"
        assert report.resolve() in target.parents, f"link out of the report: {href}"


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

    # 2. DOM after load, with every non-local request sent to a recording proxy.
    page = (report / "index.html").read_text(encoding="utf-8")
    proxy = ProxyRecorder()
    try:
        state = _render_state(browser, report, tmp_path / "profile2", page, proxy)
        # the control: a page that does ask for a remote image is caught by the same proxy
        control = _render_state(browser, report, tmp_path / "profile3",
                                page.replace("</body>", '<img src="http://neurovariety.invalid/x.png"></body>'), proxy)
    finally:
        proxy.close()
    (artifacts / "render_check.json").write_text(json.dumps(state, indent=2))
    assert any("neurovariety.invalid" in r for r in proxy.requests), ("the proxy saw nothing of the control page", proxy.requests)
    from_report = [r for r in proxy.requests if "neurovariety.invalid" not in r and not _browser_service(r)]
    assert from_report == [], f"requests left the machine: {from_report}"
    assert all(u.startswith("file:") for u in state["resources"]), state["resources"]
    assert len(control["resources"]) == len(state["resources"]) + 1
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing remote is even named

    # 3. Images decoded (naturalWidth > 0) and shown; tables laid out.
    assert state["title"] == "browser test report"
    images = state["images"]
    pngs = sorted(p.name for p in report.glob("*.png"))
    assert sorted(i["src"] for i in images) == pngs and len(pngs) >= 3
    # depth >= 3 slices and the architecture × r view of the defects are drawn
    assert {"defect_heatmap_r2.png", "defect_slices_L3.png", "defect_by_r.png"} <= set(pngs), pngs
    for i in images:
        assert i["complete"] and i["naturalWidth"] > 100 and i["naturalHeight"] > 100, i
        assert i["shownWidth"] > 50, i
    tables = {t["id"]: t for t in state["tables"] if t["id"]}
    assert tables["checks-summary"]["rows"] == len(summary) + 1  # header + one row per check
    assert all(t["height"] > 0 for t in state["tables"])
    assert tables["overview-table"]["rows"] > 5
    failing = {name for name, s in summary.items() if s["failed"]}
    assert failing, "the test data should have a failing check (the (3, 2, 1) counterexample)"
    assert {t[len("counterexamples-"):] for t in tables if t.startswith("counterexamples-")} == failing

    # 4. Every table sorts by every column, both ways; filter boxes keep exactly the matching rows.
    sortable = {t["id"] for t in state["tables"] if "nv-table" in t["cls"] and t["rows"] > 2}
    assert {s["table"] for s in state["sorts"]} == sortable and len(sortable) >= 4
    for sort in state["sorts"]:
        _assert_sorted(sort)
    assert state["filters"], "no filterable table"
    for f in state["filters"]:
        assert f["allMatch"] and f["shown"] == f["expected"] and 0 < f["shown"] <= f["total"], f
        assert f["counter"] == f"{f['shown']} of {f['total']} rows", f

    # 5. Links: relative, to files inside the report that exist; results, summary and check CSVs linked.
    _assert_links_resolve(report, state)
    linked = {h for h in state["links"] if not h.startswith("#")}
    assert {"summary.json", "data.csv", *(f"checks/{name}.csv" for name in summary)} <= linked  # data.csv: the rows read
    assert set(pngs) | {p.name for p in report.glob("*.svg")} <= linked  # every figure, PNG and SVG
    assert state["maths"] >= 5  # formulas as MathML: drawn by the browser, no script, no network
