// Let long Python names wrap at the ends of their words, not mid-word and not past
// the edge of the page: after "_" and "." in the side bars and in the previous and
// next links, after the module's "." and the name's "_" in a signature, and in a
// page's title also between the words of a CamelCase name.
function addBreaks(selector, pattern) {
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const text of texts) {
      const parts = text.data.split(pattern);
      if (parts.length < 2) continue;
      const fragment = document.createDocumentFragment();
      parts.forEach((part, i) => {
        if (i > 0) fragment.append(document.createElement("wbr"));
        fragment.append(part);
      });
      text.replaceWith(fragment);
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  addBreaks(
    ".bd-sidebar-primary a, .bd-sidebar-secondary a, .prev-next-title",
    /(?<=[_.])/,
  );
  addBreaks("dt.sig .sig-prename", /(?<=\.)/);
  addBreaks("dt.sig .sig-name", /(?<=_)/);
  addBreaks(".bd-article h1", /(?<=[_.])|(?<=[a-z])(?=[A-Z])/);
});
