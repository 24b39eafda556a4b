// Proposals, progressive enhancement only: every page works without this file.
// - The support button records or withdraws a support without reloading the page.
// - A photo over the size limit is refused as soon as it is chosen, before anything is sent.
// - A thread's "Reply" link opens the page's one reply form under the thread instead of loading the page again.
(function () {
  "use strict";

  function enhanceSupport(form) {
    var box = form.closest("[data-support]");
    if (!box || !window.fetch || !window.FormData) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      window.fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) { throw new Error("unexpected answer"); }
        return response.json();
      }).then(function (data) {
        box.querySelector("[data-support-count]").textContent = data.count_label;
        box.querySelector("[data-support-message]").textContent = data.message;
        form.setAttribute("action", data.action);
        form.querySelector("[data-support-label]").textContent = data.button;
        button.classList.toggle("button-secondary", data.supported);
        button.disabled = false;
      }).catch(function () {
        // Anything unexpected (signed out, network): let the browser send the form the ordinary way.
        form.submit();
      });
    });
  }

  function enhancePhoto(form) {
    var limit = parseInt(form.getAttribute("data-photo-max-bytes"), 10);
    var input = form.querySelector("input[type=file]");
    if (!input || !limit) { return; }
    var message = document.createElement("p");
    message.className = "error-message";
    message.id = input.id + "-size-error";
    message.setAttribute("role", "alert");
    message.hidden = true;
    input.parentNode.insertBefore(message, input.nextSibling);
    input.addEventListener("change", function () {
      if (input.files && input.files.length && input.files[0].size > limit) {
        message.textContent = form.getAttribute("data-photo-too-large");
        message.hidden = false;
        input.value = "";
      } else {
        message.textContent = "";
        message.hidden = true;
      }
    });
  }

  function enhanceReply(link, template) {
    link.addEventListener("click", function (event) {
      var parentId = link.getAttribute("data-reply-to");
      var formId = "repondre-" + parentId;
      var form = document.getElementById(formId);
      event.preventDefault();
      if (!form) {
        form = template.content.firstElementChild.cloneNode(true);
        form.id = formId;
        form.querySelector("input[name=parent_id]").value = parentId;
        var textarea = form.querySelector("textarea");
        textarea.id = "reply-" + parentId;
        var label = form.querySelector("label");
        label.setAttribute("for", textarea.id);
        // "Your reply" then, for screen readers, whom to: the link's own hidden words.
        var whom = link.querySelector(".visually-hidden");
        label.querySelector(".visually-hidden").textContent = whom ? whom.textContent : "";
        link.parentNode.parentNode.insertBefore(form, link.parentNode.nextSibling);
        link.parentNode.hidden = true;
      }
      form.querySelector("textarea").focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var replyTemplate = document.getElementById("reply-form-template");
    if (replyTemplate && "content" in replyTemplate) {
      Array.prototype.forEach.call(document.querySelectorAll("a[data-reply-to]"), function (link) {
        enhanceReply(link, replyTemplate);
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-support-form]"), enhanceSupport);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-photo-max-bytes]"), enhancePhoto);
  });
})();
