#!/usr/bin/env bash
# Install the Debian packages the product needs, where missing (root, or sudo).
#   fonts-noto-cjk        open CJK fonts (SIL OFL) for the PDF and the pages
#   libharfbuzz-subset0   without it WeasyPrint subsets CJK fonts ~40x slower
#   libpango*             WeasyPrint's text layout
# With --test also: chromium (browser tests, never a downloaded browser) and poppler-utils
# (pdftotext/pdffonts, to read the PDFs the tests make).
set -euo pipefail
pkgs=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 shared-mime-info)
if [ "${1:-}" = "--test" ]; then
  pkgs+=(chromium poppler-utils)
  command -v npm >/dev/null || pkgs+=(nodejs npm)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
