/* Sort a .sortable table by clicking its headers; filter rows by level, unit and text. Plain JS. */
(function () {
  "use strict";
  var table = document.querySelector("table.sortable");
  if (!table) { return; }
  var body = table.tBodies[0];

  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    var raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
    if (kind === "num" || kind === "level") {
      var n = parseFloat(raw.replace(/,/g, ""));
      return isNaN(n) ? -Infinity : n;
    }
    return raw;
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    var kind = th.dataset.sort;
    if (!kind) { return; }
    th.classList.add("sort-handle");
    th.addEventListener("click", function () {
      var descending = th.dataset.dir !== "desc";
      th.parentNode.querySelectorAll("th").forEach(function (h) { delete h.dataset.dir; });
      th.dataset.dir = descending ? "desc" : "asc";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
        var order = typeof x === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
        return descending ? -order : order;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });

  var level = document.getElementById("filter-level");
  var unit = document.getElementById("filter-unit");
  var text = document.getElementById("filter-text");
  function apply() {
    Array.prototype.forEach.call(body.rows, function (row) {
      var show = (!level || !level.value || row.dataset.level === level.value) &&
                 (!unit || !unit.value || row.dataset.unit === unit.value) &&
                 (!text || !text.value || row.textContent.indexOf(text.value.trim()) >= 0);
      row.hidden = !show;
    });
  }
  [level, unit, text].forEach(function (el) { if (el) { el.addEventListener("input", apply); } });
})();
