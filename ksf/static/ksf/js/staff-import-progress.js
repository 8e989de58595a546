// An import run's page (staff in the admin, activity in the portal): ask the server how far
// the import has got every two seconds and show it; reload the page once the run has
// finished, to show its result or problems.
// The words come from the server (translated there). Without this script the page still
// works: it has a "Check again" link.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-import-status-url");
  var bar = box.querySelector("progress");
  var failures = 0;

  function show(state) {
    if (bar) {
      bar.value = state.percent;
      bar.textContent = state.percent + "%";
    }
    Object.keys(state.texts).forEach(function (name) {
      var element = box.querySelector('[data-import-text="' + name + '"]');
      if (element && element.textContent !== state.texts[name]) {
        element.textContent = state.texts[name];
        if (element.tagName === "LI") {
          element.hidden = !state.texts[name];
        }
      }
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        if (state.finished) {
          window.location.reload();
          return;
        }
        show(state);
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        failures += 1;
        // Keep trying, more slowly, while the server is unreachable.
        window.setTimeout(poll, Math.min(30000, 2000 * Math.pow(2, failures)));
      });
  }

  window.setTimeout(poll, 2000);
})();
