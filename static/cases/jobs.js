// A background job's page (templates/cases/jobs/detail.html): asks for the job's status every
// second and moves the progress bar; when the job has finished, reloads the page once so that it
// shows the result or the reason it failed. Without JavaScript a <noscript> refresh does the same.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.state === "done" || box.dataset.state === "failed") return;
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var count = document.getElementById("job-count");
  var message = document.getElementById("job-message");
  var state = document.getElementById("job-state");

  function show(s) {
    bar.value = s.percent;
    bar.textContent = s.percent + "%";
    percent.textContent = s.percent + "%";
    count.textContent = s.total ? "（" + s.done + "/" + s.total + "）" : "";
    message.textContent = s.message;
    state.textContent = s.state_label;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        show(s);
        if (s.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
