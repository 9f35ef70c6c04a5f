/* A filter form whose choices apply at once: changing a <select> of form.autosubmit sends the form. Plain JS. */
(function () {
  "use strict";
  document.querySelectorAll("form.autosubmit select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
