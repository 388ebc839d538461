"""Markdown written by co-ops and imported from other directories, made safe to show as HTML.

`render_markdown` runs python-markdown, then nh3 with a small allow-list, so whatever a profile
says (raw HTML, `javascript:` links, event handlers) only ever becomes harmless markup. The
choices, and why:

- Headings start at <h3>: a description sits under the page's own <h1> and <h2> headings, and a
  page has a single <h1>.
- Links keep only http(s) and mailto addresses, and get rel="nofollow noopener": the network
  vouches for its members, not for every page their profiles link to.
- Images are never shown; each becomes a link to the image, its alt text as the link text.
  A profile must not make visitors' browsers fetch from servers the network does not run (the
  same reason the profile page does not hotlink a co-op's `logo_url`), and an outside image
  can change after a coordinator has looked at it.
- No ids, classes or styles: they could collide with the page's own or restyle it.

`markdown_excerpt` gives the first sentence or two as plain text, for result cards and meta tags.
"""

import html
import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"


class _ImagesAsLinks(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter("img"):
            src = element.get("src", "")
            text = element.get("alt") or element.get("title") or src
            element.attrib.clear()
            element.tag = "a"
            element.set("href", src)
            element.text = text


class _ImagesAsLinksExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (the library's name)
        md.treeprocessors.register(_ImagesAsLinks(md), "images_as_links", 5)


def _to_html(text: str) -> str:
    return markdown.markdown(
        text or "",
        extensions=[
            "sane_lists",
            "tables",
            "fenced_code",
            "toc",
            _ImagesAsLinksExtension(),
        ],
        # `toc` is here only for `baselevel`: "# Title" becomes <h3>. nh3 drops the ids it adds.
        extension_configs={"toc": {"baselevel": 3}},
        output_format="html",
    )


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML that is safe to put in a page, whatever `text` contains."""
    cleaned = nh3.clean(
        _to_html(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )
    return mark_safe(cleaned)  # noqa: S308 (nh3 has just sanitised it)


_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(])")
_PARAGRAPH_END = "\u2029"


def _sentences(text: str) -> list[str]:
    # Headings, tables and code say little out of context: an excerpt reads the prose only.
    # Each paragraph ends a sentence, even one its author did not end with a full stop.
    rendered = nh3.clean(
        _to_html(text).replace("</p>", "</p>" + _PARAGRAPH_END),
        tags=set(),
        attributes={},
        clean_content_tags={"script", "style", "h3", "h4", "h5", "h6", "table", "pre"},
    )
    sentences: list[str] = []
    for paragraph in html.unescape(rendered).split(_PARAGRAPH_END):
        paragraph = _SPACE.sub(" ", paragraph).strip()
        if paragraph:
            sentences.extend(_SENTENCE_END.split(paragraph))
    return sentences


def markdown_excerpt(text: str, *, max_chars: int = 220) -> str:
    """Plain text (not HTML-escaped yet) for cards and meta tags: the first sentence of the
    prose, and the second if both fit in `max_chars`; a long first sentence is cut at a word."""
    sentences = _sentences(text)
    excerpt = ""
    for sentence in sentences[:2]:
        # A paragraph that ends without a full stop still ends a sentence.
        joint = "" if not excerpt else " " if excerpt[-1] in ".!?…:;" else ". "
        candidate = f"{excerpt}{joint}{sentence}"
        if len(candidate) > max_chars:
            break
        excerpt = candidate
    if excerpt or not sentences:
        return excerpt
    cut = sentences[0][:max_chars].rsplit(" ", 1)[0].rstrip(",;:-–—")
    return f"{cut}…"
