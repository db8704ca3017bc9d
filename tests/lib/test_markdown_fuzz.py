"""Hypothesis against the comment sanitiser: whatever a reader types, or an import file holds, the stored
HTML carries no script, no event handler, no style and no link outside http, https and mailto."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forum.lib.markdown import render_comment, sanitise_comment_html
from tests.fuzzing import FUZZ, attack_text, unsafe_parts

# Raw HTML as an imported file might hold it (imported messages are sanitised, not rendered).
html_piece = st.one_of(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<a href='javascript:alert(1)'>",
            '<a href="//evil.example/x" rel="opener" target="_blank">',
            '<a href=" JAVA&#x09;SCRIPT:x">',
            "</a>",
            '<img src=x onerror="alert(1)">',
            "<script>alert(1)</script>",
            "<style>*{}</style>",
            '<div style="x" onclick="y">',
            "<svg><script>alert(1)</script></svg>",
            "<math><mi xlink:href='javascript:x'>",
            "<noscript><p title='</noscript><img src=x onerror=alert(1)>'>",
            "<blockquote cite='javascript:x'>",
            "<code>",
            "<!-- x -->",
            "&lt;script&gt;",
        ]
    ),
    st.text(max_size=10),
)
raw_html = st.lists(html_piece, max_size=20).map("".join)


@FUZZ
@given(attack_text)
def test_rendered_comments_carry_nothing_unsafe(source):
    assert unsafe_parts(render_comment(source)) == []


@FUZZ
@given(raw_html)
def test_sanitised_html_carries_nothing_unsafe(html):
    assert unsafe_parts(sanitise_comment_html(html)) == []


@FUZZ
@given(st.one_of(attack_text, raw_html))
def test_sanitising_is_idempotent(text):
    once = sanitise_comment_html(text)
    assert sanitise_comment_html(once) == once


@FUZZ
@given(attack_text)
def test_sanitising_a_rendered_comment_changes_nothing(source):
    """The stored HTML is already clean: exports and re-imports do not alter it."""
    rendered = render_comment(source)
    assert sanitise_comment_html(rendered) == rendered


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<p onclick="x()">a</p>',
        '<p style="color:red">a</p>',
        '<a href="javascript:alert(1)" rel="nofollow ugc noopener noreferrer">a</a>',
        '<a href=" jAvA\tscript:x" rel="nofollow ugc noopener noreferrer">a</a>',
        '<a href="data:text/html,x" rel="nofollow ugc noopener noreferrer">a</a>',
        '<a href="//evil.example/">a</a>',
        "<img src=x>",
    ],
)
def test_the_fuzz_checker_sees_what_is_unsafe(html):
    assert unsafe_parts(html) != []


def test_the_fuzz_checker_accepts_a_clean_comment():
    assert unsafe_parts(render_comment("See [this](https://a.example/) and //b.example/x, _ok_?")) == []
