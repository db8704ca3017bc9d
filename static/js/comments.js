// Progressive enhancement of the discussion. htmx makes the requests and swaps the fragments; this module
// only resets forms, closes a cancelled reply form and moves keyboard focus to what just appeared.
(function () {
  "use strict";

  function focusMarked() {
    const marked = document.querySelector("[data-focus]");
    if (!marked) return;
    marked.removeAttribute("data-focus");
    if (!marked.hasAttribute("tabindex")) marked.setAttribute("tabindex", "-1");
    marked.focus({ preventScroll: true });
    marked.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    const elt = event.detail.elt;
    if (event.detail.successful && elt.id === "comment-form") elt.reset();
  });

  document.addEventListener("htmx:afterSettle", focusMarked);

  document.addEventListener("click", function (event) {
    const cancel = event.target.closest("[data-cancel-reply]");
    const slot = cancel && cancel.closest(".reply-slot");
    if (!slot) return;
    event.preventDefault();
    const comment = slot.closest(".comment");
    slot.replaceChildren();
    const reply = comment && comment.querySelector(":scope > .comment-actions [data-reply]");
    if (reply) reply.focus();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const slot = event.target.closest && event.target.closest(".reply-slot");
    const cancel = slot && slot.querySelector("[data-cancel-reply]");
    if (cancel) cancel.click();
  });
})();
