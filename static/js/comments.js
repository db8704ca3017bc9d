// Progressive enhancement of the discussion. htmx makes the requests and swaps the fragments; this module
// resets forms, closes cancelled reply and edit forms, and moves keyboard focus to what just appeared, so
// that nobody is left on a button that no longer exists. No inline handlers: it listens on the document.
(function () {
  "use strict";

  const FOCUSABLE = "a[href], button, input, textarea, select, summary, [tabindex]";
  let afterSwapFocus = null; // where focus goes once htmx has settled the fragment it is swapping in
  const editedBodies = new WeakMap(); // comment article -> its body, while the edit form replaces it

  function focusElement(element) {
    if (!element) return false;
    if (!element.matches(FOCUSABLE)) element.setAttribute("tabindex", "-1");
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "nearest" });
    return document.activeElement === element;
  }

  function focusLost() {
    const active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function ownPart(comment, selector) {
    return comment ? comment.querySelector(":scope > " + selector) : null;
  }

  function replyLink(comment) {
    return ownPart(comment, ".comment-actions [data-reply]");
  }

  // A fragment may mark what should take the focus (a new or edited comment, an expanded thread).
  function focusMarked() {
    const marked = document.querySelector("[data-focus]");
    if (!marked) return false;
    marked.removeAttribute("data-focus");
    return focusElement(marked);
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.detail.elt;
    // A new post replaces the note about the last one ("it is on page N").
    if (elt.id === "comment-form") document.getElementById("comment-form-status")?.replaceChildren();
    // "Reply" or "Edit" on a comment whose form is already open: go to the form, keep what was typed.
    let open = null;
    if (elt.matches("[data-reply]")) open = ownPart(elt.closest(".comment"), ".reply-slot textarea");
    if (elt.matches("[data-edit]")) open = ownPart(elt.closest(".comment"), "form.edit-form textarea");
    if (open) {
      event.preventDefault();
      focusElement(open);
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    const detail = event.detail;
    const target = detail.target;
    if (!detail.shouldSwap || !target) return;
    afterSwapFocus = null;

    // "Load more": the next threads take the place of the button; the first of them gets the focus.
    if (target.matches(".load-more-item")) {
      const list = target.parentElement;
      const before = target.previousElementSibling;
      afterSwapFocus = function () {
        const first = before ? before.nextElementSibling : list.firstElementChild;
        if (!first) return false;
        return focusElement(ownPart(first, "article.comment") || first.querySelector("a[href]"));
      };
      return;
    }

    // The edit form replaces the comment's body; keep the body to put back if the edit is cancelled.
    if (target.matches(".comment > .comment-body") && !target.matches("form")) {
      editedBodies.set(target.closest(".comment"), target);
      return;
    }

    // A deletion removes the comment (and its button) or a whole thread: go to its parent comment, else to
    // the next thread, else the previous one, else the discussion's heading.
    const requester = detail.requestConfig && detail.requestConfig.elt;
    if (requester && requester.matches("form[action$='/delete/']")) {
      const comment = requester.closest(".comment");
      const parent = comment.parentElement.closest(".comment");
      const item = comment.closest(".comment-list > li");
      const neighbour = item && (item.nextElementSibling || item.previousElementSibling);
      const ids = [comment.id, parent && parent.id, neighbour && ownPart(neighbour, "article.comment")?.id];
      afterSwapFocus = function () {
        for (const id of ids) {
          const element = id && document.getElementById(id);
          if (element && element.isConnected) return focusElement(element);
        }
        return focusElement(document.getElementById("discussion-title"));
      };
    }
  });

  // An empty answer (a thread deleted whole) swaps nothing in, so nothing settles: move the focus now.
  document.addEventListener("htmx:afterOnLoad", function (event) {
    const xhr = event.detail.xhr;
    if (!afterSwapFocus || !xhr || xhr.responseText !== "" || !focusLost()) return;
    const pending = afterSwapFocus;
    afterSwapFocus = null;
    pending();
  });

  document.addEventListener("htmx:afterSettle", function () {
    const pending = afterSwapFocus;
    afterSwapFocus = null;
    if (focusMarked()) return;
    if (pending && focusLost() && pending()) return;
    // A form that came back with errors: its first invalid field.
    if (focusLost()) focusElement(document.querySelector(".comment-form [aria-invalid='true']"));
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const elt = event.detail.elt;
    if (event.detail.successful && elt.id === "comment-form") elt.reset();
    const list = document.getElementById("comment-list");
    const empty = document.querySelector(".discussion .no-comments");
    if (empty && list && list.querySelector("article.comment")) empty.remove();
  });

  function closeReplyForm(slot) {
    const comment = slot.closest(".comment");
    slot.replaceChildren();
    focusElement(replyLink(comment));
  }

  function closeEditForm(form) {
    const comment = form.closest(".comment");
    const original = editedBodies.get(comment);
    if (!original) return false;
    editedBodies.delete(comment);
    form.replaceWith(original);
    focusElement(ownPart(comment, ".comment-actions [data-edit]"));
    return true;
  }

  document.addEventListener("click", function (event) {
    const cancel = event.target.closest("[data-cancel-reply], [data-cancel-edit]");
    if (!cancel) return;
    const slot = cancel.closest(".reply-slot");
    const editForm = cancel.closest(".comment > form.edit-form");
    if (slot) {
      event.preventDefault();
      closeReplyForm(slot);
    } else if (editForm && closeEditForm(editForm)) {
      event.preventDefault();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) return;
    const slot = event.target.closest(".reply-slot");
    if (slot && slot.querySelector("form")) {
      event.preventDefault();
      closeReplyForm(slot);
      return;
    }
    const editForm = event.target.closest(".comment > form.edit-form");
    if (editForm && closeEditForm(editForm)) event.preventDefault();
  });
})();
