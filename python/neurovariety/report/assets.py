"""The report's style sheet and script, inlined into ``index.html`` (no network, no CDN, no files).

The script makes every ``table.nv-table`` sortable (click a header; click again to reverse;
numbers sort as numbers, empty cells last) and filterable (the text box above the table keeps
the rows containing every word typed), and gives every ``button.nv-copy`` the job of copying
the text of the element named by its ``data-copy`` attribute to the clipboard.

>>> "nv-table" in SCRIPT and "nv-copy" in SCRIPT
True
>>> CSS.count("{") == CSS.count("}")
True
"""

from __future__ import annotations

__all__ = ["CSS", "SCRIPT"]

CSS = """
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#d0d4d9;--head:#eef1f4;--ok:#17692b;--bad:#b00020;--warn:#8a5200}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em auto;max-width:1180px;
color:var(--fg);padding:0 1em;line-height:1.5}
h1{font-size:1.7em;border-bottom:2px solid #444;margin-bottom:.2em}
h2{margin-top:2.2em;border-bottom:1px solid #bbb}h3{margin-top:1.6em}
table{border-collapse:collapse;margin:.4em 0;font-size:.86em}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
th{background:var(--head);position:sticky;top:0;z-index:1}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nv-scroll{max-height:34em;overflow:auto;border:1px solid var(--line);display:inline-block;max-width:100%}
.nv-scroll table{margin:0}.nv-scroll th{border-top:0}
table.nv-table th{cursor:pointer;user-select:none;white-space:nowrap}
table.nv-table th::after{content:" \\2195";color:#9aa0a6;font-size:.85em}
table.nv-table th[aria-sort=ascending]::after{content:" \\25B2";color:var(--fg)}
table.nv-table th[aria-sort=descending]::after{content:" \\25BC";color:var(--fg)}
.nv-tools{display:flex;gap:.8em;align-items:center;margin:.6em 0 .2em;font-size:.85em;color:var(--muted)}
.nv-tools input{font:inherit;padding:2px 6px;min-width:16em;border:1px solid var(--line);border-radius:3px}
.pass{color:var(--ok);font-weight:600}.fail{color:var(--bad);font-weight:700}
.known{color:var(--warn);font-weight:600}.na{color:var(--muted)}
.status-ok{color:var(--ok)}.status-skipped,.status-info{color:var(--muted)}.status-failed{color:var(--bad)}
figure{margin:1em 0 1.6em;max-width:100%}figure img{max-width:100%;height:auto;border:1px solid #ddd;background:#fff}
figcaption{font-size:.88em;color:#333;max-width:68em;margin-top:.3em}
figcaption .nv-fig{font-weight:600}figcaption a{margin-left:.4em}
pre{background:#f6f8fa;padding:.6em .8em;overflow-x:auto;font-size:.82em;border:1px solid var(--line);border-radius:4px}
.nv-code{position:relative}.nv-code pre{margin-top:0}
button.nv-copy{font:inherit;font-size:.8em;padding:1px 8px;border:1px solid var(--line);border-radius:3px;
background:#fff;cursor:pointer;margin:.3em 0}
nav{position:sticky;top:0;background:#fff;padding:.4em 0;border-bottom:1px solid var(--line);z-index:2;font-size:.88em;
display:flex;flex-wrap:wrap;gap:.15em 1.1em}
nav a{white-space:nowrap}.muted{color:var(--muted);font-size:.9em}
dl.nv-facts{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1.2em;font-size:.9em;margin:.5em 0}
dl.nv-facts dt{color:var(--muted)}dl.nv-facts dd{margin:0;overflow-wrap:anywhere}
math{font-size:1.05em}.nv-math{margin:.4em 0 .8em 1.5em}.nv-math math{display:block;margin:.55em 0}
"""

SCRIPT = r"""
(function () {
  "use strict";
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return {empty: true, text: ""}; }
    var text = cell.getAttribute("data-value");
    if (text === null) { text = cell.textContent.trim(); }
    var number = Number(text);
    return {empty: text === "", text: text, number: text !== "" && !isNaN(number) ? number : null};
  }
  function compare(a, b) {
    if (a.number !== null && b.number !== null) { return a.number - b.number; }
    return a.text.localeCompare(b.text, undefined, {numeric: true});
  }
  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, i) { return {row: row, key: cellValue(row, index), i: i}; });
    keyed.sort(function (x, y) {
      if (x.key.empty !== y.key.empty) { return x.key.empty ? 1 : -1; }  // empty cells last, both ways
      var c = compare(x.key, y.key);
      return (ascending ? c : -c) || x.i - y.i;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    keyed.forEach(function (k) { body.appendChild(k.row); });
  }
  function filterRows(table, query, counter) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    var body = table.tBodies[0], shown = 0;
    if (!body) { return; }
    Array.prototype.forEach.call(body.rows, function (row) {
      var text = row.textContent.toLowerCase();
      var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    if (counter) { counter.textContent = shown + " of " + body.rows.length + " rows"; }
  }
  function setUp(table) {
    if (!table.tHead) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.setAttribute("role", "button");
      th.setAttribute("tabindex", "0");
      th.title = "sort by this column (click again to reverse)";
      th.addEventListener("click", function () { sortBy(table, index, th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sortBy(table, index, th); } });
    });
    var tools = document.querySelector('.nv-tools[data-for="' + table.id + '"]');
    if (tools) {
      var input = tools.querySelector("input"), counter = tools.querySelector(".nv-count");
      input.addEventListener("input", function () { filterRows(table, input.value, counter); });
      filterRows(table, input.value, counter);
    }
  }
  function copyText(text, button) {
    function done() { var old = button.textContent; button.textContent = "copied"; setTimeout(function () { button.textContent = old; }, 1200); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.nv-table"), setUp);
    Array.prototype.forEach.call(document.querySelectorAll("button.nv-copy"), function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy"));
        if (target) { copyText(target.textContent, button); }
      });
    });
  });
})();
"""
