// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  });
})();

// Quorum: refresh the count while a meeting is open, without reloading the page.
(function () {
  "use strict";
  var box = document.querySelector("[data-quorum-url]");
  if (!box || !window.fetch) return;
  window.setInterval(function () {
    fetch(box.getAttribute("data-quorum-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && box.textContent.trim() !== data.text.trim()) box.textContent = data.text;
      })
      .catch(function () {});
  }, 5000);
})();
