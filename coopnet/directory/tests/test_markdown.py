from django.template import Context, Template
from django.utils.safestring import SafeString

from coopnet.lib.markdown import markdown_excerpt, render_markdown


def test_it_renders_markdown_as_safe_html():
    html = render_markdown("We build **accessible** sites.\n\n- one\n- two")

    assert isinstance(html, SafeString)
    assert "<strong>accessible</strong>" in html
    assert "<ul>" in html and "<li>one</li>" in html


def test_it_drops_scripts_and_event_handlers():
    html = render_markdown(
        'Hi <script>alert("x")</script><b onclick="steal()">bold</b>'
        '<iframe src="https://evil.example"></iframe><style>body{}</style>'
    )

    assert "<script" not in html and "alert" not in html
    assert "onclick" not in html and "steal" not in html
    assert "<iframe" not in html and "<style" not in html
    assert "<b>bold</b>" in html


def test_it_keeps_only_http_and_mailto_links_and_marks_them_nofollow():
    html = render_markdown(
        "[site](https://coop.example) [mail](mailto:hi@coop.example) "
        "[bad](javascript:alert(1)) [data](data:text/html,hi)"
    )

    assert '<a href="https://coop.example" rel="nofollow noopener">site</a>' in html
    assert 'href="mailto:hi@coop.example"' in html
    assert "javascript:" not in html
    assert "data:text" not in html


def test_it_turns_images_into_links_so_nothing_is_fetched_from_elsewhere():
    html = render_markdown('![Our team](https://tracker.example/team.png "Team")')

    assert "<img" not in html
    assert '<a href="https://tracker.example/team.png" rel="nofollow noopener">Our team</a>' in html


def test_it_drops_raw_image_tags_too():
    assert "<img" not in render_markdown('<img src="https://x.example/a.png" onerror="x()">')


def test_it_starts_headings_below_the_page_headings():
    html = render_markdown("# Who we are\n\n## What we do")

    assert "<h1" not in html and "<h2" not in html
    assert "<h3>Who we are</h3>" in html
    assert "<h4>What we do</h4>" in html
    assert "id=" not in html


def test_it_gives_a_plain_excerpt_of_the_first_sentences():
    text = "# About\n\nWe build **sites** & apps. We host them too. And a third thing."

    assert markdown_excerpt(text) == "We build sites & apps. We host them too."


def test_it_ends_an_excerpt_at_a_paragraph_without_a_full_stop():
    assert markdown_excerpt("Web and data\n\nBased in Leeds. Since 2010.") == (
        "Web and data. Based in Leeds."
    )


def test_it_cuts_a_long_first_sentence_at_a_word():
    excerpt = markdown_excerpt("word " * 100, max_chars=40)

    assert excerpt.endswith("…")
    assert len(excerpt) <= 41
    assert "wor…" not in excerpt


def test_it_leaves_the_excerpt_for_the_template_to_escape():
    rendered = Template("{% load directory_tags %}{{ text|excerpt }}").render(
        Context({"text": "Fish <b>&amp;</b> chips <script>x()</script>."})
    )

    assert rendered == "Fish &amp; chips ."


def test_it_renders_markdown_through_the_template_filter():
    rendered = Template("{% load directory_tags %}{{ text|markdown }}").render(
        Context({"text": "*hi* <script>x()</script>"})
    )

    assert rendered == "<p><em>hi</em> </p>"
