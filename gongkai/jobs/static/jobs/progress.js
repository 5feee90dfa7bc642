// The progress bar of a job (templates/jobs/_progress.html): polls the job's status.json, updates the bar,
// the count and the message, and reloads the page once the job has ended so the page shows its result.
(function () {
  "use strict";
  function watch(box) {
    if (box.dataset.watching === "1" || box.dataset.finished === "1") { return; }
    box.dataset.watching = "1";
    var url = box.dataset.statusUrl;
    var bar = box.querySelector(".job-progress__bar");
    var label = box.querySelector(".job-progress__label");
    var count = box.querySelector(".job-progress__count");
    var message = box.querySelector(".job-progress__message");
    var delay = 1000;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
        .then(function (data) {
          if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
          if (label) { label.textContent = data.status_label; }
          if (count) { count.textContent = data.total ? data.done + "/" + data.total : ""; }
          if (message) { message.textContent = data.error || data.message; }
          if (data.finished) { window.location.reload(); return; }
          delay = Math.min(delay + 500, 5000);
          window.setTimeout(poll, delay);
        })
        .catch(function () { window.setTimeout(poll, 10000); });
    }
    window.setTimeout(poll, delay);
  }
  function start() {
    var boxes = document.querySelectorAll(".job-progress[data-status-url]");
    for (var i = 0; i < boxes.length; i++) { watch(boxes[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
