/* The 绩效目标表 form: add, remove and reorder indicator rows, keep 二级 choices in step with
   一级, show how each 指标值 is read as it is typed, and offer the indicator library (指标库).
   Plain JavaScript, served by perf itself: no framework, no CDN. */
(function () {
  "use strict";
  var form = document.getElementById("target-form");
  if (!form) { return; }
  var tree = JSON.parse(form.dataset.tree);
  var body = document.querySelector("#indicator-rows tbody");
  var template = document.getElementById("row-template");
  var library = document.getElementById("library");

  function option(select, value) {
    var o = document.createElement("option");
    o.value = value; o.textContent = value;
    select.appendChild(o);
  }

  function fillLevel1(select) {
    var current = select.value || select.dataset.value || "";
    select.innerHTML = "";
    option(select, "");
    Object.keys(tree).forEach(function (name) { option(select, name); });
    select.value = current;
  }

  function fillLevel2(row) {
    var level1 = row.querySelector("select.level1").value;
    var select = row.querySelector("select.level2");
    var current = select.value || select.dataset.value || "";
    select.innerHTML = "";
    option(select, "");
    (tree[level1] || []).forEach(function (name) { option(select, name); });
    if ((tree[level1] || []).indexOf(current) < 0 && current) { option(select, current); }
    select.value = current;
  }

  /* WTForms reads rows by index: keep the names in the order the rows are shown. */
  function renumber() {
    Array.prototype.forEach.call(body.rows, function (row, i) {
      row.querySelectorAll("[name]").forEach(function (field) {
        field.name = field.name.replace(/^indicators-(\d+|__i__)-/, "indicators-" + i + "-");
        field.id = field.name;
      });
    });
  }

  var timers = new WeakMap();
  function showParsed(row) {
    var input = row.querySelector("input.value");
    var out = row.querySelector(".parsed");
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () {
      if (!input.value.trim()) { out.textContent = ""; return; }
      var params = new URLSearchParams({
        value: input.value,
        level1: row.querySelector("select.level1").value,
        level2: row.querySelector("select.level2").value
      });
      fetch(form.dataset.parseUrl + "?" + params, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          out.textContent = data.label;
          out.classList.toggle("qualitative", data.kind === "qualitative");
        });
    }, 200));
  }

  var suggestions = {};
  function suggest(row) {
    var level2 = row.querySelector("select.level2").value;
    var name = row.querySelector("input.name");
    name.setAttribute("list", "library");
    if (!level2) { return; }
    var params = new URLSearchParams({ level2: level2, q: name.value });
    fetch(form.dataset.suggestUrl + "?" + params, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) {
        library.innerHTML = "";
        data.suggestions.forEach(function (s) {
          suggestions[s.name] = s;
          var o = document.createElement("option");
          o.value = s.name; o.label = s.name + "（" + s.value + "）";
          library.appendChild(o);
        });
      });
  }

  function takeSuggestion(row) {
    var picked = suggestions[row.querySelector("input.name").value];
    if (!picked) { return; }
    [["value", picked.value], ["description", picked.description], ["basis", picked.basis]].forEach(function (pair) {
      var field = row.querySelector("[name$='-" + pair[0] + "']");
      if (field && !field.value) { field.value = pair[1] || ""; }
    });
    showParsed(row);
  }

  function wire(row) {
    fillLevel1(row.querySelector("select.level1"));
    fillLevel2(row);
    row.querySelector("select.level1").addEventListener("change", function () { fillLevel2(row); showParsed(row); });
    row.querySelector("select.level2").addEventListener("change", function () { showParsed(row); suggest(row); });
    row.querySelector("input.value").addEventListener("input", function () { showParsed(row); });
    var name = row.querySelector("input.name");
    name.addEventListener("focus", function () { suggest(row); });
    name.addEventListener("input", function (event) {
      /* a pick from the list (not typing) fills the empty fields of the row */
      if (!(event instanceof InputEvent) || event.inputType === "insertReplacementText") { takeSuggestion(row); }
      suggest(row);
    });
    row.querySelector(".remove").addEventListener("click", function () {
      if (window.confirm("确定删除这一行指标吗？")) { row.remove(); renumber(); }
    });
    row.querySelector(".up").addEventListener("click", function () {
      if (row.previousElementSibling) { body.insertBefore(row, row.previousElementSibling); renumber(); }
    });
    row.querySelector(".down").addEventListener("click", function () {
      if (row.nextElementSibling) { body.insertBefore(row.nextElementSibling, row); renumber(); }
    });
    showParsed(row);
  }

  document.getElementById("add-row").addEventListener("click", function () {
    var last = body.rows[body.rows.length - 1];
    var row = template.content.firstElementChild.cloneNode(true);
    body.appendChild(row);
    if (last) {  /* a new row starts under the same 一级/二级 as the one above */
      row.querySelector("select.level1").dataset.value = last.querySelector("select.level1").value;
      row.querySelector("select.level2").dataset.value = last.querySelector("select.level2").value;
    }
    renumber();
    wire(row);
    row.querySelector("input.name").focus();
  });
  form.addEventListener("submit", renumber);
  Array.prototype.forEach.call(body.rows, wire);
})();
