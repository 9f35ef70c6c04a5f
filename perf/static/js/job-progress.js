// A job's page: poll its status while it is queued or running, move the bar, reload when it ends.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var status = box.getAttribute("data-status");
  if (status === "done" || status === "failed") return;
  var bar = document.getElementById("job-bar");
  var fill = bar.querySelector(".job-bar-fill");
  var label = document.getElementById("job-status");
  var count = document.getElementById("job-count");

  function show(data) {
    var pct = data.total ? Math.floor((100 * data.done) / data.total) : 0;
    fill.style.width = pct + "%";
    bar.setAttribute("aria-valuenow", String(pct));
    label.textContent = data.status_label;
    count.textContent = data.total ? "已完成 " + data.done + " / " + data.total : "等待开始…";
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (data.status === "done" || data.status === "failed") {
          window.location.reload();  // the page shows the download or the reason
        } else {
          window.setTimeout(poll, 500);
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 300);
})();
