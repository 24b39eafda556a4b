// Progressive enhancement of a minutes page: a "Print" button next to the PDF link (browsers print without it).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var tools = document.querySelector(".minutes-tools[data-print-label]");
    if (!tools || typeof window.print !== "function") { return; }
    var item = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary";
    button.textContent = tools.getAttribute("data-print-label");
    button.addEventListener("click", function () { window.print(); });
    item.appendChild(button);
    tools.appendChild(item);
  });
})();
