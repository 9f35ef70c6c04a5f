/* Nothing typed is lost on a form that posts and goes back to its page (a step's comment, 催办):
   a form marked data-keep writes what was typed to this tab's sessionStorage as it is sent; on
   the page that follows, a form the server marked refused (its banner "未保存：N 处问题" is shown)
   gets it back, and any other page drops it. The messages themselves come from the server. */
(function () {
  "use strict";
  var PREFIX = "perf-kept:";

  function key(form) { return PREFIX + window.location.pathname + "#" + form.id; }

  function typed(form) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "button") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { values.push({ name: el.name, value: el.value, checked: true }); }
      } else {
        values.push({ name: el.name, text: el.value });
      }
    });
    return values;
  }

  function restore(form, values) {
    values.forEach(function (item) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== item.name) { return; }
        if (item.checked) {
          if (el.value === item.value) { el.checked = true; }
        } else if (el.type !== "checkbox" && el.type !== "radio") {
          el.value = item.text;
        }
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-keep") || !form.id || event.defaultPrevented) { return; }
    try { window.sessionStorage.setItem(key(form), JSON.stringify(typed(form))); } catch (e) { /* storage off */ }
  });

  function onLoad() {
    document.querySelectorAll("form[data-keep][id]").forEach(function (form) {
      var stored = null;
      try {
        stored = window.sessionStorage.getItem(key(form));
        window.sessionStorage.removeItem(key(form));
      } catch (e) { return; }
      if (stored && form.classList.contains("refused")) { restore(form, JSON.parse(stored)); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", onLoad); } else { onLoad(); }
})();
