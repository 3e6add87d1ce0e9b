"""Several documents in one run of wkhtmltopdf, split again by document.

Pure Python (lxml and the PDF library Odoo ships): ``join`` puts the HTML documents into one
page, each starting on a new page with an invisible link of its own; ``split`` finds those
links on the PDF's pages, cuts the PDF at them and takes them off.
"""

import io

import lxml.html

from odoo.tools.pdf import ArrayObject, NameObject, PdfFileReader, PdfFileWriter

# The address of the invisible link that marks where each document starts in a batch's PDF.
MARKER_URL = "https://az-batch.invalid/"
# One pixel, which takes no room from the document below it.
MARKER_STYLE = "display: block; width: 1px; height: 1px; margin-bottom: -1px;"
# A later document starts on a new page as far from its top as the first one: the page
# body's own margin and padding (8 px by default, none with the report styles) come once,
# before the first document, so they are given to each later one once the styles are in.
BLOCK_CLASS = "o_az_batch_next"
SPACING_SCRIPT = (
    """
window.addEventListener("load", function () {
    var style = window.getComputedStyle(document.body);
    var top = (parseFloat(style.marginTop) || 0) + (parseFloat(style.paddingTop) || 0);
    var blocks = document.querySelectorAll("div.%s");
    for (var i = 0; i < blocks.length; i++) {
        blocks[i].style.paddingTop = top + "px";
    }
});
"""
    % BLOCK_CLASS
)


def parse(html):
    return lxml.html.document_fromstring(html)


def join(documents, token):
    """One HTML page: the head of the first document, then each document's body in a block
    of its own that starts a new page with its marker link."""
    first = documents[0][0]
    body = first.body
    blocks = []
    for index, trees in enumerate(documents):
        if index:
            block = lxml.html.Element("div", {"class": BLOCK_CLASS, "style": "page-break-before: always;"})
        else:
            block = lxml.html.Element("div")
        marker = lxml.html.Element("a", {"href": f"{MARKER_URL}{token}/{index}", "style": MARKER_STYLE})
        block.append(marker)
        for tree in trees:
            for child in list(tree.body):
                block.append(child)
        blocks.append(block)
    for child in list(body):
        body.remove(child)
    body.text = None
    for block in blocks:
        body.append(block)
    script = lxml.html.Element("script")
    script.text = SPACING_SCRIPT
    body.append(script)
    return lxml.html.tostring(first, encoding="unicode", doctype="<!DOCTYPE html>")


def _marker_index(annotation, prefix):
    action = annotation.get("/A")
    action = action.get_object() if action is not None else {}
    uri = str(action.get("/URI") or "")
    if uri.startswith(prefix):
        try:
            return int(uri[len(prefix) :])
        except ValueError:
            return None
    return None


def split(pdf, res_ids, token):
    """{res_id: PDF bytes}: the pages from each document's marker to the next one's, the
    markers taken off; None when the markers do not give one start per document, in order."""
    prefix = f"{MARKER_URL}{token}/"
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    starts = {}
    pages = []
    for number in range(len(reader.pages)):
        page = reader.pages[number]
        annotations = page.get("/Annots")
        annotations = annotations.get_object() if annotations is not None else []
        kept = ArrayObject()
        for reference in annotations:
            index = _marker_index(reference.get_object(), prefix)
            if index is None:
                kept.append(reference)
            elif index in starts:
                return None
            else:
                starts[index] = number
        if annotations:
            if kept:
                page[NameObject("/Annots")] = kept
            else:
                del page["/Annots"]
        pages.append(page)
    order = [starts.get(index) for index in range(len(res_ids))]
    if None in order or order[0] != 0 or any(b <= a for a, b in zip(order, order[1:], strict=False)):
        return None
    bounds = order + [len(pages)]
    result = {}
    for index, res_id in enumerate(res_ids):
        writer = PdfFileWriter()
        for page in pages[bounds[index] : bounds[index + 1]]:
            writer.add_page(page)
        stream = io.BytesIO()
        writer.write(stream)
        result[res_id] = stream.getvalue()
    return result
