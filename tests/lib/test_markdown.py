import pytest

from forum.lib.markdown import render_comment, sanitise_comment_html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("[click](javascript:alert(1))", "<p>[click](javascript:alert(1))</p>"),
        ("[img](data:text/html;base64,PHNjcmlwdD4=)", "<p>[img](data:text/html;base64,PHNjcmlwdD4=)</p>"),
        (
            "![x](https://tracker.example/p.gif)",
            '<p>!<a href="https://tracker.example/p.gif" rel="nofollow ugc noopener noreferrer">x</a></p>',
        ),
        ("# Shouting", "<p># Shouting</p>"),
        (
            "> quoted\n\n- one\n- two",
            "<blockquote>\n<p>quoted</p>\n</blockquote>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
        ),
        (
            "`code` and **bold** and _em_",
            "<p><code>code</code> and <strong>bold</strong> and <em>em</em></p>",
        ),
    ],
)
def test_comment_markdown_subset(source, expected):
    assert render_comment(source) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p onclick="steal()">Hi</p>', "<p>Hi</p>"),
        ("<style>body{display:none}</style><p>Hi</p>", "<p>Hi</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="nofollow ugc noopener noreferrer">x</a>'),
        ('<a href="data:text/html,boom">x</a>', '<a rel="nofollow ugc noopener noreferrer">x</a>'),
        ('<img src="x" onerror="alert(1)">', ""),
        ('<iframe src="https://evil.example"></iframe><p>ok</p>', "<p>ok</p>"),
        ('<p style="color:red">styled</p>', "<p>styled</p>"),
        (
            '<a href="https://example.com" target="_blank">x</a>',
            '<a href="https://example.com" rel="nofollow ugc noopener noreferrer">x</a>',
        ),
        ("<p>line<br>break</p>", "<p>line<br>break</p>"),
        # ammonia keeps title and lang on every tag unless told otherwise (found by the fuzz test)
        ("<p title='x' lang='en'>Hi</p>", "<p>Hi</p>"),
        ("<?<noscript><p title='</noscript><img src=x onerror=alert(1)>'>", "<p></p>"),
    ],
)
def test_sanitiser_strips_everything_outside_the_allow_list(html, expected):
    assert sanitise_comment_html(html) == expected


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[x](//evil.example/a)", "//evil.example/a"),
        ("see //evil.example/a", "//evil.example/a"),
        ("<//evil.example/a>", "//evil.example/a"),
    ],
)
def test_protocol_relative_links_are_treated_as_external_links(source, href):
    """`//host/…` leaves the site like any absolute link: it gets the external links' rel."""
    assert f'<a href="{href}" rel="nofollow ugc noopener noreferrer">' in render_comment(source)


def test_a_backslash_cannot_turn_a_path_into_a_protocol_relative_link():
    """Browsers read `/\\host` as `//host`; the renderer percent-encodes the backslash."""
    html = render_comment("[x](/\\evil.example/a)")
    assert 'href="/%5Cevil.example/a"' in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html
