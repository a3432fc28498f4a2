#!/usr/bin/env bash
# Vendor the front-end packages into the repository, so that setting up the
# project needs Python only. Run from anywhere (it cd's to the repo root):
#
#     bash scripts/vendor_frontend.sh
#
# Needs node + npm (only for this refresh, never at build or run time). It uses
# `npm pack NAME@VERSION` into a temp dir (no node_modules tree), checks the
# tarball against the registry's sha512 integrity, and copies the few files we
# use. To refresh a package, change its version below and re-run; commit the
# result together with the regenerated VERSIONS.md files.
set -euo pipefail

KERN_VERSION="2.7.2"    # @kern-ux/native  (EUPL-1.2)
HTMX_VERSION="4.0.1"    # htmx.org         (BSD-0-Clause)
AXE_VERSION="4.14.1"    # axe-core         (MPL-2.0), test-only

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

KERN_DEST="static/vendor/kern-ux"
HTMX_DEST="static/vendor/htmx"
AXE_DEST="tests/browser/vendor/axe-core"
STATIC_VERSIONS="static/vendor/VERSIONS.md"
TEST_VERSIONS="tests/browser/vendor/VERSIONS.md"

# Hand-written files living beside vendored ones; never deleted on refresh.
KEEP_FILES=("CLASSES.md")

for tool in npm node tar; do
    command -v "$tool" >/dev/null || { echo "error: '$tool' is required" >&2; exit 1; }
done

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

die() { echo "error: $*" >&2; exit 1; }

# fetch NAME VERSION -> sets PKG_DIR, PKG_TARBALL, PKG_INTEGRITY, PKG_LICENSE
fetch() {
    local name="$1" version="$2" key json file actual
    key="$(echo "$name" | tr -c 'a-zA-Z0-9.\n' '_')"
    echo "==> $name@$version"
    json="$(npm view "$name@$version" --json name version license dist.tarball dist.integrity)"
    [ -n "$json" ] || die "$name@$version not found in the registry"
    read -r PKG_TARBALL PKG_INTEGRITY PKG_LICENSE < <(node -e '
        let d = JSON.parse(process.argv[1]);
        if (Array.isArray(d)) d = d[d.length - 1];
        if (d.version !== process.argv[2]) { console.error("version mismatch: " + d.version); process.exit(1); }
        console.log(d["dist.tarball"], d["dist.integrity"], d.license);
    ' "$json" "$version")
    [ -n "${PKG_INTEGRITY:-}" ] || die "$name@$version: could not read tarball/integrity from npm view"
    file="$(cd "$TMP" && npm pack --silent --json "$name@$version" | node -e '
        let s = ""; process.stdin.on("data", c => s += c).on("end", () => console.log(JSON.parse(s)[0].filename));
    ')"
    actual="sha512-$(node -e '
        const c = require("crypto"), fs = require("fs");
        console.log(c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"));
    ' "$TMP/$file")"
    [ "$actual" = "$PKG_INTEGRITY" ] || die "$name@$version: integrity mismatch ($actual != $PKG_INTEGRITY)"
    PKG_DIR="$TMP/$key"
    mkdir -p "$PKG_DIR"
    tar -xzf "$TMP/$file" -C "$PKG_DIR"
    PKG_DIR="$PKG_DIR/package"
}

# clean DIR: remove previously vendored files, keep hand-written ones
clean() {
    local dest="$1" args=()
    mkdir -p "$dest"
    for k in "${KEEP_FILES[@]}"; do args+=(! -path "$dest/$k"); done
    find "$dest" -mindepth 1 -maxdepth 1 "${args[@]}" -exec rm -rf {} +
}

# put SRC DEST: copy one file, creating parent dirs
put() {
    [ -f "$1" ] || die "missing in package: $1"
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2"
}

# check_css_urls DIR: every url() in every CSS file under DIR is a data: URI or
# a relative path to an existing file; absolute (remote) URLs are an error.
check_css_urls() {
    local css ref path bad=0
    while IFS= read -r css; do
        while IFS= read -r ref; do
            ref="${ref#url(}"; ref="${ref%)}"
            ref="${ref#[\"\']}"; ref="${ref%[\"\']}"
            case "$ref" in
                data:*) continue ;;
                http:*|https:*|//*) echo "  REMOTE url() in $css: $ref" >&2; bad=1; continue ;;
            esac
            path="${ref%%[?#]*}"
            if [ -f "$(dirname "$css")/$path" ]; then
                echo "  ok  $css -> $path"
            else
                echo "  MISSING  $css -> $path" >&2; bad=1
            fi
        done < <(grep -o 'url([^)]*)' "$css" || true)
    done < <(find "$1" -name '*.css' | sort)
    [ "$bad" = 0 ] || die "broken or remote url() references in $1"
}

# row NAME VERSION: one Markdown table row from the last fetch()
ROWS_STATIC=()
ROWS_TEST=()
row() {
    printf '| `%s` | %s | %s | %s | `%s` |' "$1" "$2" "$PKG_LICENSE" "$PKG_TARBALL" "$PKG_INTEGRITY"
}

# --- @kern-ux/native --------------------------------------------------------
fetch "@kern-ux/native" "$KERN_VERSION"
[ "$PKG_LICENSE" = "EUPL-1.2" ] || die "@kern-ux/native licence changed: $PKG_LICENSE"
clean "$KERN_DEST"
# Layout mirrors the package's dist/ so the CSS url()s resolve unchanged.
put "$PKG_DIR/dist/kern.min.css"        "$KERN_DEST/kern.min.css"
put "$PKG_DIR/dist/fonts/fira-sans.css" "$KERN_DEST/fonts/fira-sans.css"
# Every font file the font CSS references (data: URIs skipped).
while IFS= read -r ref; do
    ref="${ref#url(}"; ref="${ref%)}"; ref="${ref#[\"\']}"; ref="${ref%[\"\']}"
    case "$ref" in data:*) continue ;; esac
    ref="${ref#./}"
    put "$PKG_DIR/dist/fonts/$ref" "$KERN_DEST/fonts/$ref"
done < <(grep -o 'url([^)]*)' "$PKG_DIR/dist/fonts/fira-sans.css")
if [ -f "$PKG_DIR/dist/js/kern-kopfzeile.js" ]; then
    put "$PKG_DIR/dist/js/kern-kopfzeile.js" "$KERN_DEST/js/kern-kopfzeile.js"
fi
for lic in LICENSE LICENSE.md LICENSE.txt; do
    [ -f "$PKG_DIR/$lic" ] && put "$PKG_DIR/$lic" "$KERN_DEST/$lic"
done
ls "$KERN_DEST"/LICENSE* >/dev/null 2>&1 || die "@kern-ux/native: no LICENSE file"
ROWS_STATIC+=("$(row "@kern-ux/native" "$KERN_VERSION")")

# --- htmx.org ---------------------------------------------------------------
fetch "htmx.org" "$HTMX_VERSION"
[ "$PKG_LICENSE" = "0BSD" ] || [ "$PKG_LICENSE" = "BSD-0-Clause" ] || die "htmx.org licence changed: $PKG_LICENSE"
clean "$HTMX_DEST"
put "$PKG_DIR/dist/htmx.min.js" "$HTMX_DEST/htmx.min.js"
put "$PKG_DIR/LICENSE"          "$HTMX_DEST/LICENSE"
ROWS_STATIC+=("$(row "htmx.org" "$HTMX_VERSION")")

# --- axe-core (tests only, never served) ------------------------------------
fetch "axe-core" "$AXE_VERSION"
[ "$PKG_LICENSE" = "MPL-2.0" ] || die "axe-core licence changed: $PKG_LICENSE"
clean "$AXE_DEST"
put "$PKG_DIR/axe.min.js"      "$AXE_DEST/axe.min.js"
put "$PKG_DIR/LICENSE"         "$AXE_DEST/LICENSE"
if [ -f "$PKG_DIR/LICENSE-3RD-PARTY.txt" ]; then
    put "$PKG_DIR/LICENSE-3RD-PARTY.txt" "$AXE_DEST/LICENSE-3RD-PARTY.txt"
fi
put "$PKG_DIR/locales/de.json" "$AXE_DEST/locales/de.json"
ROWS_TEST+=("$(row "axe-core" "$AXE_VERSION")")

# --- checks -----------------------------------------------------------------
echo "==> checking url() references in vendored CSS"
check_css_urls "$KERN_DEST"

echo "==> checking for remote font/CSS/script URLs fetched at run time"
# url() references were checked above (remote ones are an error); here catch
# @import of remote stylesheets and well-known CDN hosts anywhere. Namespace
# URIs (www.w3.org/2000/svg) and documentation links are never fetched.
if grep -rIoE '@import[^;]*//[^;]*' "$KERN_DEST" "$HTMX_DEST" --include='*.css'; then
    die "remote @import found in vendored CSS (see above)"
fi
if grep -rIlE 'fonts\.(googleapis|gstatic)\.com|cdn\.jsdelivr|unpkg\.com|cdnjs\.' \
        "$KERN_DEST" "$HTMX_DEST" "$AXE_DEST"; then
    die "CDN host names found in vendored files (see above)"
fi
echo "  absolute URLs in vendored files (host: count; none is fetched for fonts):"
{ grep -rIohE 'https?://[a-zA-Z0-9.-]+' "$KERN_DEST" "$HTMX_DEST" "$AXE_DEST" || true; } \
    | sort | uniq -c | sed 's/^/   /'

# --- VERSIONS.md ------------------------------------------------------------
write_versions() {
    local out="$1" title="$2"; shift 2
    {
        echo "# $title"
        echo
        echo "Generated by \`scripts/vendor_frontend.sh\` -- do not edit by hand;"
        echo "change the version variables at the top of the script and re-run it."
        echo "Each tarball was checked against the registry's sha512 integrity."
        echo
        echo "| package | version | licence | source tarball | integrity |"
        echo "| --- | --- | --- | --- | --- |"
        printf '%s\n' "$@"
        echo
    } > "$out"
}

write_versions "$STATIC_VERSIONS" "Vendored front-end packages (served as static files)" "${ROWS_STATIC[@]}"
cat >> "$STATIC_VERSIONS" <<EOF
## Files

- \`kern-ux/\` from \`@kern-ux/native\` \`dist/\` (layout kept, so the font CSS url()s resolve):
  \`kern.min.css\`, \`fonts/fira-sans.css\` + the \`fonts/fira-sans/*.woff2\` it references,
  \`js/kern-kopfzeile.js\` (the \`<kern-kopfzeile>\` web component), \`LICENSE.md\` (EUPL-1.2).
  \`kern.min.css\` declares no @font-face: include \`fonts/fira-sans.css\` as well.
  The Fira Sans fonts are upstream under the SIL Open Font License 1.1; the package ships
  no separate OFL text. \`CLASSES.md\` is a hand-written cheat sheet (kept on refresh).
- \`htmx/\` from \`htmx.org\` \`dist/htmx.min.js\` + \`LICENSE\` (0BSD).
EOF

write_versions "$TEST_VERSIONS" "Vendored test-only packages (never served)" "${ROWS_TEST[@]}"
cat >> "$TEST_VERSIONS" <<EOF
## Files

- \`axe-core/\` from \`axe-core\`: \`axe.min.js\`, \`locales/de.json\` (German rule texts,
  pass to \`axe.configure({locale: ...})\`), \`LICENSE\` (MPL-2.0), \`LICENSE-3RD-PARTY.txt\`.
EOF

echo "==> done"
du -ch "$KERN_DEST" "$HTMX_DEST" "$AXE_DEST" | tail -n 1
