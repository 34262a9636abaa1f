"""Which parts of a web page are the article and which the site around it.

``analyse(root)`` marks the tree of :mod:`.html_tree`:

* ``hard``: never text, wherever it is: ``script style noscript template svg
  canvas iframe object head button select textarea map dialog``, and elements
  that are ``hidden``, ``aria-hidden``, ``display:none`` or
  ``visibility:hidden``;
* the **article**: the block with the most text outside links, counted the
  usual way (each paragraph of 25 characters or more counts for its own block,
  its parent and half for its grandparent; the score is scaled by the share of
  text outside links, raised by ``<article>``, ``role=main``, ``itemprop=
  articleBody`` and the ``article_words`` of ``rules/html.yaml``, lowered for
  furniture).  It and every element around it (an ASP.NET ``<form>`` wrapping
  the page, a layout table, a wrapper whose class names a sidebar) are kept;
* ``drop`` (site furniture), anywhere else: ``form nav aside``; ``header`` and
  ``footer`` outside ``article`` / ``main``; roles navigation, banner,
  contentinfo, complementary, search, menu, menubar; class or id words of
  ``rules/html.yaml`` (``furniture`` anywhere, ``furniture_outside_article``
  outside the article); outside the article's box, blocks of two or more links
  that are mostly link text (menus, lists of other news); a box opened by one
  of the ``box_headings`` (``Tin liên quan``, ``Các tin khác:``);
* ``layout``: a table holding another table, with role presentation, or
  holding the article in one of its cells (unless it is a grid of data: two
  rows or more with two cells of text): its cells are read as blocks, not as
  one row joined by " | "; beside the article's cell, a cell with less than a
  quarter of its text outside links is a side column and is dropped.

Every walk is iterative and linear in the size of the page (a box's title is
looked for only in elements of at most 60 characters and 8 elements).
"""
from __future__ import annotations

import functools
import re
import unicodedata

from .html_tree import Node

HARD = frozenset({"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object",
                  "head", "button", "select", "textarea", "map", "dialog"})
SOFT_TAGS = frozenset({"form", "nav", "aside", "marquee"})
OUTSIDE_ARTICLE_TAGS = frozenset({"header", "footer"})
DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu",
                        "menubar"})
NEVER_DROPPED = frozenset({"#root", "html", "body", "main"})
_ARTICLE_TAGS = frozenset({"article", "main"})
INLINE = frozenset({"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data",
                    "del", "dfn", "em", "font", "i", "img", "ins", "kbd", "label", "mark", "nobr",
                    "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
                    "tt", "u", "var", "wbr"})
HEADING_RANK = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
TITLE_TAGS = frozenset(HEADING_RANK) | frozenset({"b", "strong", "span", "div", "p", "td", "th",
                                                  "a", "label", "dt", "font", "em", "header",
                                                  "caption", "legend", "summary", "li"})
PARAGRAPH_MIN = 25        # characters outside links that make a paragraph count for the article
LINK_DENSE = 0.5          # share of link text that makes a block of links
MAX_TITLE = 60            # a box's title is short
MAX_TITLE_ELEMENTS = 8    # ... and has few elements inside
SIDE_COLUMN = 0.25        # a cell beside the article's with less text than this share is a side column

_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
_TITLE_STRIP = " \t\n\r\f\v:.,;-–—»«›‹>|*#·•()[]{}\"'“”"


@functools.lru_cache(maxsize=1)
def vocabulary() -> dict:
    from .. import rules
    data = rules.load("html")

    def joined(key: str) -> frozenset:
        return frozenset(re.sub(r"[^a-z0-9]", "", str(w).lower()) for w in data.get(key) or [])

    return {
        "furniture": joined("furniture"),
        "outside": joined("furniture_outside_article"),
        "article": joined("article_words"),
        "headings": tuple(sorted({_title_key(str(w)) for w in data.get("box_headings") or []},
                                 key=len, reverse=True)),
    }


@functools.lru_cache(maxsize=4096)
def name_runs(names: str) -> frozenset:
    """Runs of up to five words of a class / id value, each written together."""
    words = [w.lower() for w in _WORDS.findall(names)]
    return frozenset("".join(words[i:j]) for i in range(len(words))
                     for j in range(i + 1, min(len(words), i + 5) + 1))


def _names(node: Node) -> frozenset:
    attrs = node.attrs
    value = f"{attrs.get('class', '')} {attrs.get('id', '')}"
    return name_runs(value) if value.strip() else frozenset()


def _title_key(text: str) -> str:
    text = unicodedata.normalize("NFC", _SPACE.sub(" ", text)).casefold()
    return text.strip(_TITLE_STRIP)


def is_hard(node: Node) -> bool:
    if node.tag in HARD:
        return True
    attrs = node.attrs
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style:
        style = style.replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
    return False


def measure(root: Node) -> list[Node]:
    """Mark hard elements and count every element's visible text; returns the
    live elements (outside hard ones) in document order: ``order[n.pre:n.end + 1]``
    is the subtree of ``n``."""
    order: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node is not root and is_hard(node):
            node.hard = True
            continue
        node.pre = len(order)
        order.append(node)
        children = node.children
        if children:
            stack.extend(c for c in reversed(children) if type(c) is Node)
    inline = INLINE
    for node in reversed(order):            # children before parents
        chars = link_chars = links = tables = block_text = 0
        first = None
        end = node.pre
        for child in node.children:
            if type(child) is str:
                n = len("".join(child.split()))
                chars += n
                if n and first is None:
                    first = (node, id(child))
            elif not child.hard:
                chars += child.chars
                link_chars += child.link_chars
                links += child.links
                tables += child.tables
                end = child.end
                if first is None:
                    first = child.first_text
                # text outside links in the blocks below (an inline element's `own` is that)
                block_text += child.own if child.tag in inline else child.chars - child.link_chars
        node.end = end
        node.chars = chars
        if node.tag == "a" and "href" in node.attrs:      # not a bookmark (<a name>)
            link_chars, links = chars, links + 1
        node.link_chars = link_chars
        node.links = links
        node.tables = tables + (node.tag == "table")
        node.first_text = first
        # a block's own text: outside links and outside inner blocks; an inline
        # element's: the text of the blocks inside it, for its block to subtract
        node.own = block_text if node.tag in inline else chars - link_chars - block_text
        node.score = 0.0
        node.in_article = node.flagged = node.layout = False
    return order


def _is_articleish(node: Node, vocab: dict) -> bool:
    attrs = node.attrs
    return (node.tag == "article" or attrs.get("role", "").lower() == "main"
            or attrs.get("itemprop", "").lower() == "articlebody"
            or bool(_names(node) & vocab["article"]))


def _flag(node: Node, vocab: dict) -> bool:
    """Named or tagged as site furniture (the article's box is kept all the same)."""
    tag, attrs = node.tag, node.attrs
    if tag in SOFT_TAGS:
        return True
    if tag in NEVER_DROPPED or not (attrs or tag in OUTSIDE_ARTICLE_TAGS):
        return False
    if tag in OUTSIDE_ARTICLE_TAGS and not node.in_article:
        return True
    if "role" in attrs and attrs["role"].lower() in DROP_ROLES:
        return True
    names = _names(node)
    if names:
        if names & vocab["furniture"]:
            return True
        if not node.in_article and names & vocab["outside"]:
            return True
    return False


def _block_parent(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.tag in INLINE:
        parent = parent.parent
    return parent


def find_article(order: list[Node], vocab: dict, furniture: frozenset = frozenset()) -> Node | None:
    """The block with the best article score (None when the page has no text
    outside links);
    ``furniture``: ids of the elements inside a flagged one."""
    least = PARAGRAPH_MIN
    if not any(node.own >= least and node.tag not in INLINE for node in order):
        least = 1                           # a page of short lines: the most text still wins
    for node in order:
        if node.tag in INLINE or node.own < least:
            continue
        node.score += node.own
        parent = _block_parent(node)
        if parent is not None:
            parent.score += node.own
            grand = _block_parent(parent)
            if grand is not None:
                grand.score += node.own / 2
    best, best_score = None, 0.0
    for node in reversed(order):            # ties go to the inner block
        if not node.score or node.tag in ("#root", "html"):
            continue
        score = node.score * (1 - node.link_chars / node.chars) if node.chars else 0.0
        if _is_articleish(node, vocab):
            score *= 1.5
        if id(node) in furniture:
            score *= 0.2
        node.score = score
        if score > best_score:
            best, best_score = node, score
    return best


def _link_dense(node: Node, min_links: int = 2) -> bool:
    return node.links >= min_links and node.chars > 0 and node.link_chars >= LINK_DENSE * node.chars


def _text(node: Node) -> str:
    out: list[str] = []
    stack: list = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif not item.hard:
            stack.extend(reversed(item.children))
    return " ".join(out)


def _box_heading(node: Node, vocab: dict) -> bool:
    if (node.tag not in TITLE_TAGS or not 3 <= node.chars <= MAX_TITLE
            or node.end - node.pre > MAX_TITLE_ELEMENTS):
        return False
    key = _title_key(_text(node))
    for heading in vocab["headings"]:
        if key == heading or (key.startswith(heading) and not key[len(heading)].isalnum()
                              and len(key) <= len(heading) + 30):
            return True
    return False


def _inside(node: Node, ancestor: Node) -> bool:
    return ancestor.pre < node.pre <= ancestor.end


def _drop_box(title: Node, article: Node | None, protected: set) -> Node:
    """The box a heading opens: the outermost element whose text starts with the
    heading, else the heading and the siblings after it."""
    box = title
    while True:
        parent = box.parent
        if (parent is None or parent.tag in NEVER_DROPPED or id(parent) in protected
                or parent.first_text is not title.first_text):
            break
        box = parent
    box.drop = True
    if box.chars > title.chars:
        return box
    in_article = article is not None and _inside(box, article)
    rank = HEADING_RANK.get(title.tag, 7)
    siblings = box.parent.children if box.parent is not None else []
    for j in range(box.pos + 1, len(siblings)):
        sib = siblings[j]
        if type(sib) is str or sib.hard or sib.drop:
            continue
        if id(sib) in protected or HEADING_RANK.get(sib.tag, 7) <= rank:
            break
        if in_article and sib.chars and not _link_dense(sib, 1):
            break
        sib.drop = True
    return box


def analyse(root: Node, furniture: bool = True) -> Node | None:
    """Mark what is read (see the module's docstring); returns the article's
    block.  ``furniture=False``: hard elements only (every visible text)."""
    vocab = vocabulary()
    order = measure(root)
    if not furniture:
        for node in order:
            node.drop = False
        article = find_article(order, vocab)
        _mark_layout(order, article)
        return article
    under = set()                           # flagged elements and everything inside them
    under_until = -1
    for node in order:
        parent = node.parent
        if parent is not None:
            node.in_article = parent.in_article or parent.tag in _ARTICLE_TAGS \
                or (parent.attrs.get("role") == "main")
        node.flagged = _flag(node, vocab)
        if node.flagged and node.end > under_until:
            under_until = node.end
        if node.pre <= under_until:
            under.add(id(node))
    article = find_article(order, vocab, frozenset(under))
    protected = set()
    if article is not None:
        protected = {id(article)} | {id(a) for a in article.ancestors()}
    cells = _mark_layout(order, article)
    # furniture by name, tag and role; blocks of links outside the article's box
    i = 0
    while i < len(order):
        node = order[i]
        i += 1
        if id(node) in protected or node.tag in NEVER_DROPPED:
            continue
        outside = article is None or not _inside(node, article)
        if node.flagged or (outside and _link_dense(node)):
            node.drop = True
            i = node.end + 1
    # boxes opened by a heading (Tin liên quan, Các tin khác)
    i = 0
    while i < len(order):
        node = order[i]
        i += 1
        if node.drop:
            i = node.end + 1
        elif id(node) not in protected and _box_heading(node, vocab):
            box = _drop_box(node, article, protected)
            i = box.end + 1
    _drop_side_cells(cells, protected)
    return article


def _mark_layout(order: list[Node], article: Node | None) -> list[Node]:
    """Mark the layout tables; returns the cells that hold the article in them."""
    for node in order:
        if node.tag == "table":
            node.layout = (node.tables > 1
                           or (node.attrs.get("role") or "").lower() in ("presentation", "none"))
    # a table that holds the article in one of its cells, unless it is a grid of
    # data (two rows or more of two cells with text: a report's table)
    cells: list[Node] = []
    cell = None
    up: Node | None = article           # the article, then its ancestors
    while up is not None:
        if up.tag in ("td", "th") and cell is None:
            cell = up
        elif up.tag == "table":
            if cell is not None and (up.layout or not _grid(up, order)):
                up.layout = True
                cells.append(cell)
            cell = None
        up = up.parent
    return cells


def _own_rows(table: Node, order: list[Node]) -> list[Node]:
    """The rows of ``table`` (not those of the tables inside it)."""
    rows: list[Node] = []
    i = table.pre + 1
    while i <= table.end:
        node = order[i]
        i += 1
        if node.tag == "table":
            i = node.end + 1
        elif node.tag == "tr":
            rows.append(node)
    return rows


def _cells(row: Node) -> list[Node]:
    return [c for c in row.children if type(c) is Node and not c.hard and c.tag in ("td", "th")]


def _grid(table: Node, order: list[Node]) -> bool:
    rows = 0
    for row in _own_rows(table, order):
        if sum(1 for c in _cells(row) if c.chars) >= 2:
            rows += 1
            if rows >= 2:
                return True
    return False


def _drop_side_cells(cells: list[Node], protected: set) -> None:
    """Beside the article's cell of a layout table, cells with far less text
    outside links are side columns (menus, boxes of other news)."""
    for cell in cells:
        row = cell.parent
        if row is None or row.tag != "tr":
            continue
        text = cell.chars - cell.link_chars
        for other in _cells(row):
            if other is not cell and id(other) not in protected \
                    and other.chars - other.link_chars < SIDE_COLUMN * text:
                other.drop = True
