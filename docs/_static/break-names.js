// Let long Python names in the navigation wrap after "_" and ".", not mid-word.
document.addEventListener("DOMContentLoaded", () => {
  const selector = ".bd-sidebar-primary a, .bd-sidebar-secondary a";
  for (const link of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const text of texts) {
      if (!/[_.]/.test(text.data)) continue;
      const parts = text.data.split(/(?<=[_.])/);
      const fragment = document.createDocumentFragment();
      parts.forEach((part, i) => {
        if (i > 0) fragment.append(document.createElement("wbr"));
        fragment.append(part);
      });
      text.replaceWith(fragment);
    }
  }
});
