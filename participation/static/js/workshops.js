// Workshops, progressive enhancement only: the pages work without this file.
(function () {
  "use strict";

  function enhanceAttendance(form) {
    var totals = document.getElementById("attendance-totals");
    var token = form.querySelector("input[name=csrf_token]");
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (!input.name || input.name.indexOf("attendance-") !== 0) { return; }
      var status = input.closest("fieldset").querySelector(".attendance-saved");
      var body = new URLSearchParams();
      if (token) { body.append("csrf_token", token.value); }
      body.append(input.name, input.value);
      status.textContent = "";
      fetch(form.action || window.location.href, {
        method: "POST",
        headers: {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
        body: body.toString(),
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        status.textContent = form.dataset.saved;
        if (totals) { totals.textContent = data.summary; }
      }).catch(function () {
        status.textContent = form.dataset.failed;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-attendance]"), enhanceAttendance);
  });
})();
