#!/usr/bin/env bash
# Fill _vendor/ (repo root) with the files the offline site serves, and tests/vendor/ with
# axe-core for the accessibility test. Run from the repo root.
# (From shared/site/vendor.sh, plus the licence files.)
# Route "npm": npm pack (no node_modules, no deps). Route "pip": MathJax from a wheel.
set -euo pipefail
route=${1:-npm}; out=_vendor; tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"; mkdir -p "$out/mathjax/output/chtml/fonts" "$out/mathjax/input/tex" "$out/html-manager"
if [ "$route" = npm ]; then
  (cd "$tmp" && npm pack --silent mathjax@3.2.2 @jupyter-widgets/html-manager@1.0.15 >/dev/null)
  for t in "$tmp"/*.tgz; do mkdir -p "${t%.tgz}" && tar xzf "$t" -C "${t%.tgz}"; done
  mj="$tmp/mathjax-3.2.2/package/es5"
else  # pip: the sphinx-mathjax-offline 0.0.2 wheel holds MathJax 3.2.2's es5/ files, byte-equal to npm's
  python -m pip download --no-deps -q -d "$tmp" sphinx-mathjax-offline==0.0.2
  (cd "$tmp" && python -m zipfile -e sphinx_mathjax_offline-*.whl x)
  mj="$tmp/x/sphinx-mathjax-offline/static/mathjax"
  (cd "$tmp" && npm pack --silent @jupyter-widgets/html-manager@1.0.15 >/dev/null \
     && mkdir -p jupyter-widgets-html-manager-1.0.15 && tar xzf jupyter-widgets-html-manager-1.0.15.tgz -C jupyter-widgets-html-manager-1.0.15)
fi
cp "$mj/tex-chtml.js" "$out/mathjax/"
cp -r "$mj/output/chtml/fonts/woff-v2" "$out/mathjax/output/chtml/fonts/"
cp -r "$mj/input/tex/extensions" "$out/mathjax/input/tex/"
hm="$tmp/jupyter-widgets-html-manager-1.0.15/package/dist"
cp "$hm/embed.js" "$hm"/*.woff2 "$hm/embed.js.LICENSE.txt" "$out/html-manager/"
[ "$route" = npm ] && cp "$tmp/mathjax-3.2.2/package/LICENSE" "$out/mathjax/LICENSE"
cat > "$out/README.md" <<'NOTE'
# Vendored files served by the book's site (no CDN)
Refresh with `bash scripts/vendor.sh` from the repository root.
- `mathjax/`: MathJax 3.2.2 (`es5/tex-chtml.js`, CHTML woff-v2 fonts, TeX extensions),
  Apache License 2.0 (`mathjax/LICENSE`).
- `html-manager/`: `@jupyter-widgets/html-manager` 1.0.15 `dist/embed.js`, BSD-3-Clause,
  Copyright (c) Project Jupyter Contributors; bundled third-party notices in
  `embed.js.LICENSE.txt`. The three `.woff2` files are Font Awesome fonts, SIL OFL 1.1.
NOTE
# axe-core, for the accessibility test only (tests/, never served by the site)
axe=tests/vendor/axe-core; rm -rf "$axe"; mkdir -p "$axe"
(cd "$tmp" && npm pack --silent axe-core@4.14.1 >/dev/null && mkdir -p axe && tar xzf axe-core-4.14.1.tgz -C axe)
cp "$tmp/axe/package/axe.min.js" "$tmp/axe/package/LICENSE" "$tmp/axe/package/LICENSE-3RD-PARTY.txt" "$axe/"
du -sh "$out" "$axe"
