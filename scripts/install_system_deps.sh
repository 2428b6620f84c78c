#!/usr/bin/env bash
# Installs the Debian packages sohoa needs, only when something is missing.
# Usage: scripts/install_system_deps.sh [run|test]
set -euo pipefail
purpose="${1:-run}"
packages=()
command -v tesseract >/dev/null 2>&1 || packages+=(tesseract-ocr)
langs="$(tesseract --list-langs 2>/dev/null || true)"
grep -qx vie <<<"$langs" || packages+=(tesseract-ocr-vie)
grep -qx eng <<<"$langs" || packages+=(tesseract-ocr-eng)
grep -qx osd <<<"$langs" || packages+=(tesseract-ocr-osd)
if [ "$purpose" = test ]; then
  fc-list 2>/dev/null | grep -q "DejaVuSerif" || packages+=(fonts-dejavu-core)
  fc-list 2>/dev/null | grep -qi "LiberationSerif" || packages+=(fonts-liberation2)
  command -v pdftoppm >/dev/null 2>&1 || packages+=(poppler-utils)
  command -v chromium >/dev/null 2>&1 || packages+=(chromium)
fi
python3 -c 'import venv, ensurepip' 2>/dev/null || packages+=(python3-venv)
[ ${#packages[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${packages[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
