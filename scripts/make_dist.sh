#!/usr/bin/env bash
# Build the offline bundle: dist/sohoa-offline-<version>/ and dist/sohoa-offline-<version>.tar.gz
#
# The bundle installs sohoa on a machine with no network: wheels for sohoa and
# every dependency (models and dictionaries are inside the sohoa wheel), the
# Tesseract language data (vie, osd, eng), the Debian packages of Tesseract and
# the libraries it needs beyond a base Debian system, and install.sh.
#
# Build on the same kind of machine as the target (same Debian release, CPU
# architecture and Python minor version): the wheels are binary wheels for this
# interpreter and the .deb files are this release's.
#
# Environment:
#   PYTHON=python3      interpreter whose version the target will use (default: python3)
#   SOHOA_DIST_DEBS=0   leave the Debian packages out (targets that already have tesseract)
#   SOHOA_DIST_DIR=DIR  where to build (default: <repo>/dist)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
WITH_DEBS="${SOHOA_DIST_DEBS:-1}"
DIST_ROOT="${SOHOA_DIST_DIR:-$ROOT/dist}"
LANGS=(vie osd eng)
DEB_ROOTS=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd tesseract-ocr-eng)

say() { printf '[make_dist] %s\n' "$*" >&2; }
die() { printf '[make_dist] error: %s\n' "$*" >&2; exit 1; }

VERSION="$("$PYTHON" - "$ROOT/pipeline/__init__.py" <<'EOF'
import re, sys
print(re.search(r'__version__\s*=\s*"([^"]+)"', open(sys.argv[1], encoding="utf-8").read()).group(1))
EOF
)"
PY_TAG="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
NAME="sohoa-offline-$VERSION"
OUT="$DIST_ROOT/$NAME"
say "building $NAME for Python $PY_TAG ($(uname -m)) in $OUT"
rm -rf "$OUT" "$DIST_ROOT/$NAME.tar.gz"
mkdir -p "$OUT/wheels" "$OUT/tessdata"

# 1. Wheels: sohoa itself (with models and dictionaries) and every dependency.
say "wheels: sohoa and its dependencies"
"$PYTHON" -m pip wheel --quiet --disable-pip-version-check "$ROOT" -w "$OUT/wheels"
# pip, setuptools and wheel themselves, so the target venv needs nothing from the network.
"$PYTHON" -m pip download --quiet --disable-pip-version-check --only-binary=:all: -d "$OUT/wheels" pip setuptools wheel
ls "$OUT/wheels"/sohoa-"$VERSION"-*.whl >/dev/null 2>&1 || die "the sohoa wheel was not built"

# 2. Tesseract language data, from the tessdata folder tesseract uses here.
TESSDATA_SRC="${TESSDATA_PREFIX:-}"
if [[ -z "$TESSDATA_SRC" ]] && command -v tesseract >/dev/null; then
    TESSDATA_SRC="$(tesseract --list-langs 2>&1 | sed -n 's/^List of available languages in "\(.*\)".*/\1/p' | head -n1)"
fi
[[ -n "$TESSDATA_SRC" && -d "$TESSDATA_SRC" ]] || die "cannot find tessdata (install tesseract-ocr-vie or set TESSDATA_PREFIX)"
for lang in "${LANGS[@]}"; do
    [[ -f "$TESSDATA_SRC/$lang.traineddata" ]] || die "$lang.traineddata is missing from $TESSDATA_SRC"
    cp "$TESSDATA_SRC/$lang.traineddata" "$OUT/tessdata/"
done
say "tessdata: ${LANGS[*]} from $TESSDATA_SRC"

# 3. Debian packages of tesseract and the libraries it needs that a base system lacks.
if [[ "$WITH_DEBS" == "1" ]]; then
    command -v apt-get >/dev/null || die "apt-get not found: build on Debian, or set SOHOA_DIST_DEBS=0"
    mkdir -p "$OUT/debs"
    # What apt would install on a system with nothing installed: the full dependency
    # closure, with one package chosen for each "a | b" alternative.
    mapfile -t closure < <(apt-get install -s -qq -y --no-install-recommends -o Dir::State::status=/dev/null \
        "${DEB_ROOTS[@]}" 2>/dev/null | awk '/^Inst /{print $2}' | sort -u)
    [[ ${#closure[@]} -gt 0 ]] || die "apt knows no tesseract-ocr (run apt-get update)"
    # Essential packages and those of priority required/important are on every Debian system.
    mapfile -t wanted < <(apt-cache show --no-all-versions "${closure[@]}" | awk '
        function flush() { if (pkg != "" && !skip) print pkg; pkg=""; skip=0 }
        /^Package:/ {flush(); pkg=$2} /^Essential: yes/ {skip=1} /^Priority: (required|important)/ {skip=1}
        END {flush()}' | sort -u)
    (cd "$OUT/debs" && apt-get download -o APT::Sandbox::User=root "${wanted[@]}" >/dev/null) \
        || die "apt-get download failed (run apt-get update, or set SOHOA_DIST_DEBS=0)"
    printf '%s\n' "${DEB_ROOTS[@]}" > "$OUT/debs/ROOTS"
    say "debs: ${#wanted[@]} packages (of ${#closure[@]} in the dependency closure)"
fi

# 4. Installer, notes and checksums.
cat > "$OUT/install.sh" <<'INSTALL'
#!/usr/bin/env bash
# Install sohoa from this offline bundle; needs no network.
#   ./install.sh [PREFIX]     PREFIX: the virtual environment (default /opt/sohoa as root, else ~/.local/share/sohoa)
# Environment: PYTHON=python3.X to choose the interpreter; SOHOA_SKIP_DEBS=1 never to touch system packages.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $(id -u) -eq 0 ]]; then DEFAULT_PREFIX=/opt/sohoa; else DEFAULT_PREFIX="$HOME/.local/share/sohoa"; fi
PREFIX="${1:-$DEFAULT_PREFIX}"
say() { printf '[sohoa install] %s\n' "$*" >&2; }
die() { printf '[sohoa install] error: %s\n' "$*" >&2; exit 1; }
bundle_value() { sed -n "s/^$1=//p" "$HERE/BUNDLE"; }

WANT_PY="$(bundle_value python)"
PYTHON="${PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
    for candidate in "python$WANT_PY" python3; do
        if command -v "$candidate" >/dev/null; then PYTHON="$candidate"; break; fi
    done
fi
[[ -n "$PYTHON" ]] || die "python$WANT_PY is required (Debian: apt install python3 python3-venv)"
HAVE_PY="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
[[ "$HAVE_PY" == "$WANT_PY" ]] || die "this bundle was built for Python $WANT_PY, $PYTHON is $HAVE_PY"

# 1. Tesseract: from the bundled .deb files when it is missing.
if ! command -v tesseract >/dev/null; then
    [[ -d "$HERE/debs" && "${SOHOA_SKIP_DEBS:-0}" != "1" ]] || die "tesseract is not installed and this bundle has no debs/"
    [[ $(id -u) -eq 0 ]] || die "tesseract is not installed: run this script as root once to install it from debs/"
    missing=()
    for deb in "$HERE"/debs/*.deb; do
        package="$(dpkg-deb -f "$deb" Package)"
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$deb")
        fi
    done
    say "installing ${#missing[@]} Debian packages (tesseract and the libraries it needs)"
    dpkg -i "${missing[@]}" || die "dpkg could not install tesseract; see the messages above"
fi
say "tesseract: $(tesseract --version 2>&1 | head -n1)"

# 2. Language data: use the bundled copy when tesseract lacks a language sohoa needs.
TESSDATA_DIR=""
installed_langs="$(tesseract --list-langs 2>/dev/null | tail -n +2 || true)"
for lang in vie osd; do
    if ! grep -qx "$lang" <<<"$installed_langs"; then TESSDATA_DIR="$PREFIX/share/tessdata"; fi
done

# 3. The virtual environment, from the bundled wheels only.
say "creating $PREFIX"
"$PYTHON" -m venv "$PREFIX" || die "cannot create a venv (Debian: apt install python3-venv)"
"$PREFIX/bin/python" -m pip install --quiet --no-index --find-links "$HERE/wheels" --upgrade pip setuptools wheel
"$PREFIX/bin/python" -m pip install --quiet --no-index --find-links "$HERE/wheels" sohoa
if [[ -n "$TESSDATA_DIR" ]]; then
    mkdir -p "$TESSDATA_DIR"
    cp "$HERE"/tessdata/*.traineddata "$TESSDATA_DIR/"
    # The entry point sets TESSDATA_PREFIX, so the bundled language data is found.
    mv "$PREFIX/bin/sohoa" "$PREFIX/bin/sohoa-real"
    cat > "$PREFIX/bin/sohoa" <<EOF
#!/bin/sh
export TESSDATA_PREFIX="\${TESSDATA_PREFIX:-$TESSDATA_DIR}"
exec "$PREFIX/bin/sohoa-real" "\$@"
EOF
    chmod +x "$PREFIX/bin/sohoa"
    say "language data: $TESSDATA_DIR (TESSDATA_PREFIX is set by $PREFIX/bin/sohoa)"
fi
"$PREFIX/bin/sohoa" --version
say "done. Run $PREFIX/bin/sohoa (or add $PREFIX/bin to PATH)."
INSTALL
chmod +x "$OUT/install.sh"
cat > "$OUT/BUNDLE" <<EOF
name=$NAME
version=$VERSION
python=$PY_TAG
machine=$(uname -m)
debian=$(cat /etc/debian_version 2>/dev/null || echo unknown)
built=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
cat > "$OUT/README.txt" <<EOF
sohoa $VERSION - offline bundle (Python $PY_TAG, $(uname -m), Debian $(cat /etc/debian_version 2>/dev/null || echo '?'))

Install (no network needed):
    ./install.sh [PREFIX]          # default PREFIX: /opt/sohoa as root, else ~/.local/share/sohoa
Then run:
    PREFIX/bin/sohoa --version
    PREFIX/bin/sohoa run scans/ -o output/ --pdf --alto

The target needs: Debian $(cut -d. -f1 /etc/debian_version 2>/dev/null || echo '?') on $(uname -m), python$PY_TAG with the venv module
(Debian: python3-venv). Tesseract is installed from debs/ when it is missing (needs root);
the language data in tessdata/ is used when the installed tesseract lacks vie or osd.
See docs/DELIVERABLES.md in the source tree for details.
EOF
(cd "$OUT" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)

# 5. Archive.
tar -C "$DIST_ROOT" -czf "$DIST_ROOT/$NAME.tar.gz" "$NAME"
say "done: $OUT ($(du -sh "$OUT" | cut -f1)), $DIST_ROOT/$NAME.tar.gz ($(du -sh "$DIST_ROOT/$NAME.tar.gz" | cut -f1))"
echo "$OUT"
