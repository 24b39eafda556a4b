// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Bring keyboard and screen-reader users straight to the list of errors after a failed submit.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
