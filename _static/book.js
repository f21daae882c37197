// Display formulas wider than the column scroll sideways (book.css); a keyboard reader
// must be able to scroll them too, so exactly those formulas become tab stops
// (MathJax's own tab stops, one per formula, are turned off in _config.yml).
(() => {
  const mark = () => {
    for (const box of document.querySelectorAll("div.math mjx-container")) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "formula, scrolls sideways");
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  };
  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(mark, 200);
  });
  document.addEventListener("DOMContentLoaded", () => {
    const mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(mark);
  });
})();
