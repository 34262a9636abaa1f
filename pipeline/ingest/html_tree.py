"""A web page as a tree of elements, built with the standard library's lenient
``html.parser`` (no network, no entity expansion beyond HTML's own character
references, no DTD: nothing to exploit).

Nesting follows the open-element stack the reader has always used: an end tag
closes every element opened after the matching start tag (``<p>a<div>b</p>``
closes the div and the p); an end tag with no open element of its name is
ignored; void elements (``br``, ``img``, ``input``...) have no children.  Text
is kept as ``str`` children.  Every walk over the tree is iterative, so a page
of a million unclosed ``<div>`` cannot exhaust Python's recursion limit.
"""
from __future__ import annotations

from html.parser import HTMLParser

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"})


class Node:
    __slots__ = ("tag", "attrs", "children", "parent", "pos", "hard", "drop", "layout",
                 # filled in by html_content.measure for the elements outside hard ones
                 "pre", "end", "chars", "link_chars", "links", "tables", "first_text", "own",
                 "score", "in_article", "flagged")
    # (what html_content.measure fills in, declared for type checkers: see __init__)
    pre: int
    end: int
    chars: int
    link_chars: int
    links: int
    tables: int
    first_text: tuple | None
    own: int
    score: float
    in_article: bool
    flagged: bool

    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag = tag
        self.attrs = attrs
        self.children: list = []
        self.parent = parent
        self.pos = len(parent.children) if parent is not None else 0   # index among them
        self.hard = False           # never text: script, style, hidden...
        self.drop = False           # left out of the text (site furniture)
        self.layout = False         # a layout table: cells read as blocks, not as a row
        # pre, end: the element's place in document order and its last descendant's;
        # chars: visible characters other than spaces, link_chars: those inside
        # links; links, tables: <a> and <table> elements (this one included);
        # first_text: the first visible text (an identity); own: text outside links
        # and outside inner blocks; score: how much this looks like the article's
        # box; in_article: inside <article> / <main>; flagged: named or tagged as
        # site furniture

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        names = " ".join(f"{k}={v!r}" for k, v in self.attrs.items() if k in ("class", "id"))
        return f"<{self.tag}{' ' + names if names else ''}>"

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.stack: list[Node] = [self.root]
        self.open: dict[str, int] = {}      # open elements by tag: an end tag is found in O(1)

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): (v or "") for k, v in attrs}
        node = Node(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)
            self.open[tag] = self.open.get(tag, 0) + 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID or not self.open.get(tag):
            return
        # close every element opened after the matching one (each is closed once)
        while True:
            node = self.stack.pop()
            self.open[node.tag] -= 1
            if node.tag == tag:
                return

    def handle_data(self, data):
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def parse(text: str) -> Node:
    """The page's tree under a ``#root`` node."""
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root
