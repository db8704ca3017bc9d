"""Helpers shared by the discussion journeys: locating a comment's own parts and checking the DOM tree."""

from playwright.sync_api import Locator, Page

from forum.comments.models import Comment

# For every comment on the page: the comment whose article encloses it, the list that holds it, and the
# number of comments around it. Read in one round trip.
DOM_TREE_JS = """() => Array.from(document.querySelectorAll("article.comment")).map((article) => {
  const parent = article.parentElement.closest("article.comment");
  const list = article.parentElement.closest("ol");
  const listOwner = list && list.closest("article.comment");
  let enclosing = 0;
  for (let node = article.parentElement.closest("article.comment"); node;
       node = node.parentElement.closest("article.comment")) enclosing++;
  return {
    id: Number(article.id.replace("comment-", "")),
    parent: parent ? Number(parent.id.replace("comment-", "")) : null,
    depth: Number(article.dataset.depth),
    enclosing: enclosing,
    list: list ? list.className : null,
    listOwner: listOwner ? Number(listOwner.id.replace("comment-", "")) : null,
  };
})"""


def comment(page: Page, pk: int) -> Locator:
    return page.locator(f"#comment-{pk}")


def actions(page: Page, pk: int) -> Locator:
    """The comment's own actions, not those of its replies."""
    return page.locator(f"#comment-{pk} > .comment-actions")


def body(page: Page, pk: int) -> Locator:
    return page.locator(f"#comment-{pk} > .comment-body")


def replies_toggle(page: Page, pk: int) -> Locator:
    return page.locator(f"#comment-{pk} > details.replies-toggle")


def assert_dom_matches_tree(page: Page, *, base_level: int = 0) -> dict[int, dict]:
    """Every comment on the page sits in its parent's `ol.replies` (roots in the page's list), and its
    `data-depth` is its level in the tree. Returns what the page shows, by comment id."""
    shown = {row["id"]: row for row in page.evaluate(DOM_TREE_JS)}
    stored = Comment.objects.in_bulk(list(shown))
    assert set(stored) == set(shown), "the page shows comments that are not stored"
    for pk, row in shown.items():
        node = stored[pk]
        assert row["depth"] == node.level, f"comment {pk}: data-depth {row['depth']}, level {node.level}"
        if row["parent"] is None:
            assert node.level == base_level, f"comment {pk} is outside its parent {node.parent_id}"
            assert "comment-list" in row["list"].split(), f"root {pk} is in {row['list']!r}"
        else:
            assert row["parent"] == node.parent_id, f"comment {pk} is inside {row['parent']}"
            assert row["list"] == "replies", f"comment {pk} is in {row['list']!r}, not ol.replies"
            assert row["listOwner"] == node.parent_id, f"comment {pk}'s list belongs to {row['listOwner']}"
            assert row["enclosing"] == node.level - base_level, (
                f"comment {pk} is nested {row['enclosing']} deep"
            )
    return shown


def accept_next_dialog(page: Page) -> list[str]:
    """Accept the browser's next confirmation; the list returned collects what it asked."""
    asked: list[str] = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    return asked


def expect_same_document(page: Page) -> None:
    """Fails when the page was reloaded since `mark_document` (htmx swapped a fragment instead)."""
    assert page.evaluate("() => window.__journeyMark === true"), "the page was reloaded"


def mark_document(page: Page) -> None:
    page.evaluate("() => { window.__journeyMark = true; }")
