// Progressive enhancement of the questionnaire: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Typing in "Other, say what" ticks "Other" (the server does the same when the box was left unticked).
    document.querySelectorAll(".choice-other").forEach(function (item) {
      var choice = item.querySelector("input[value='other']");
      var text = item.querySelector("input[type='text']");
      if (!choice || !text) { return; }
      text.addEventListener("input", function () {
        if (text.value.trim() !== "") { choice.checked = true; }
      });
    });
  });
})();
