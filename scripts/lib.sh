# Shared helpers for the scripts in this folder. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
export PATH="$VENV/bin:$PATH"

if [[ -t 1 ]]; then
    say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
else
    say() { printf '==> %s\n' "$*"; }
fi
warn() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The PostgreSQL server binaries of the newest installed major version (Debian keeps them off PATH).
pg_bindir() {
    local d
    if [[ -n "${NARA_PG_BIN:-}" && -x "$NARA_PG_BIN/initdb" ]]; then echo "$NARA_PG_BIN"; return 0; fi
    d="$(find /usr/lib/postgresql -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)"
    if [[ -n "$d" ]]; then dirname "$d"; return 0; fi
    d="$(command -v initdb 2>/dev/null || true)"
    [[ -n "$d" ]] && dirname "$d"
}

# Install the named Debian packages that a check says are missing: `ensure_debian PKG CHECK PKG CHECK ...`
# where CHECK is a shell condition. apt-get update runs once, and only when something must be installed.
ensure_debian() {
    local missing=()
    while (($# >= 2)); do
        if ! eval "$2" >/dev/null 2>&1; then missing+=("$1"); fi
        shift 2
    done
    ((${#missing[@]} == 0)) && return 0
    local sudo=()
    if [[ "$(id -u)" != 0 ]]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            die "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
        fi
    fi
    command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get to install them with"
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
}

ensure_gettext() { ensure_debian gettext "command -v msgfmt"; }

# Compile nara/locale/*/LC_MESSAGES/*.po to .mo. Nothing to do (and no error) while there are none.
compile_messages() {
    local locale_dir="$ROOT/nara/locale"
    if [[ -d "$locale_dir" ]] && find "$locale_dir" -name '*.po' | grep -q .; then
        # Run inside the locale folder: compilemessages walks the working tree, and must not walk into .venv.
        (cd "$locale_dir" && nara compilemessages -v 0)
    else
        echo "No translations (.po files) under nara/locale yet; nothing to compile."
    fi
}

require_venv() {
    [[ -x "$VENV/bin/nara" ]] || die "no virtualenv at $VENV: run 'make run' or 'make test' (or scripts/venv)"
}
