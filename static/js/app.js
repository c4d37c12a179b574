// Page behaviour that the Content-Security-Policy keeps out of the templates (no inline
// <script>, no on…= or hx-on handlers, htmx without eval): each hooked by a data- attribute.
(function () {
  "use strict";

  // <input type=checkbox data-select-all>: checks or clears every ticket box of its form.
  document.addEventListener("change", function (event) {
    var box = event.target.closest("[data-select-all]");
    if (!box) return;
    box.closest("form").querySelectorAll("input[name=ticket]").forEach(function (ticket) {
      ticket.checked = box.checked;
    });
  });

  // <form hx-get … data-drop-empty>: empty fields stay out of the request (and the pushed URL).
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.closest("[data-drop-empty]")) return;
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (name) {
      if (params[name] === "") delete params[name];
    });
  });

  // <select hx-post … data-reset-after-request>: back to its empty choice once htmx is done.
  document.addEventListener("htmx:afterRequest", function (event) {
    var control = event.detail.elt;
    if (control && control.matches("[data-reset-after-request]")) control.value = "";
  });

  // <button data-insert-link="[title](/kb/articles/1/)" data-insert-target="#id_body">: puts
  // the Markdown link into the reply box at the cursor (the knowledge base's article picker).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert-link]");
    if (!button) return;
    var box = document.querySelector(button.getAttribute("data-insert-target") || "#id_body");
    if (!box) return;
    var text = button.getAttribute("data-insert-link");
    var start = box.selectionStart == null ? box.value.length : box.selectionStart;
    var end = box.selectionEnd == null ? start : box.selectionEnd;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + text.length;
  });

  // <form data-autosubmit>: sent as soon as the page opens (a survey score from a mail link:
  // the person clicked it; a scanner that only fetches the link runs no script).
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.submit();
  });
})();
