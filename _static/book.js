// Wide content on a narrow screen scrolls sideways inside the text column (book.css):
// display formulas wider than the column, and on a phone the figures, shown at no less
// than FIGURE_SCALE of their drawn size so that their text stays legible (a
// three-panel figure shrunk to a phone's width has text 4 px tall). A keyboard reader
// must be able to scroll them too, so exactly the boxes that scroll are tab stops
// (MathJax's own tab stops, one per formula, are turned off in _config.yml).
(() => {
  const FIGURE_SCALE = 0.65;
  const PHONE = window.matchMedia("(max-width: 720px)");

  const scrolls = (box, label, yes) => {
    if (yes) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", `${label}, scrolls sideways`);
    } else if (box.getAttribute("role") === "region") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  };

  const figures = () => {
    for (const img of document.querySelectorAll(".cell_output > img")) {
      let box = img.parentElement;
      if (!box.classList.contains("optbook-figure")) {
        box = document.createElement("div");
        box.className = "optbook-figure";
        img.replaceWith(box);
        box.append(img);
      }
      const legible = img.naturalWidth * FIGURE_SCALE;
      const wide = PHONE.matches && legible > box.clientWidth + 1;
      img.style.maxWidth = wide ? "none" : "";
      img.style.width = wide ? `${Math.round(legible)}px` : "";
      scrolls(box, "figure", wide);
    }
  };

  const formulas = () => {
    for (const box of document.querySelectorAll("div.math mjx-container")) {
      scrolls(box, "formula", box.scrollWidth > box.clientWidth + 1);
    }
  };

  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => (figures(), formulas()), 200);
  });
  window.addEventListener("load", figures);
  document.addEventListener("DOMContentLoaded", () => {
    const mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(formulas);
  });
})();

// Paper is white: a page printed while the site is dark prints in the light colours,
// then the reader's mode comes back.
(() => {
  let mode = null;
  window.addEventListener("beforeprint", () => {
    mode = document.documentElement.dataset.theme;
    document.documentElement.dataset.theme = "light";
  });
  window.addEventListener("afterprint", () => {
    if (mode) document.documentElement.dataset.theme = mode;
  });
})();
