#!/bin/sh
# Install what Xiaowei needs on a Debian machine (run as root): Debian packages that are missing,
# a virtualenv in .venv, and the project with its test extras. Safe to run again: it only
# installs what is missing or changed.
set -eu
cd "$(dirname "$0")/.."

missing=""
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing="$missing python3-venv"
command -v dot >/dev/null 2>&1 || missing="$missing graphviz"
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing="$missing fonts-noto-cjk fontconfig"
# pg_dump / pg_restore: `xiaowei backup` and `xiaowei restore` on PostgreSQL drive them.
command -v pg_dump >/dev/null 2>&1 || missing="$missing postgresql-client"
# npm (with Node): installs the pinned front-end packages below.
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ "${XIAOWEI_WITH_BROWSER:-0}" = 1 ]; then
    command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
fi
if [ -n "$missing" ]; then
    echo "bootstrap: installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv"
    python3 -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
    echo "bootstrap: installing Python packages"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test]'
    touch .venv/.installed
fi

# The PDFs' everyday cut of Noto Sans CJK (render/fonts.py): built once per machine into the user's
# cache directory (~20 s, both faces at once), found there by every later run; a no-op once built.
.venv/bin/python -m render.fonts

# The browser modeler (bpmn-js's prebuilt distribution, served by the app itself: no CDN) and
# bpmn-moddle for tests/modeler/roundtrip.mjs, exactly as package-lock.json pins them, into
# node_modules/ (git-ignored). `npm ci` runs only when the lock file changed since the last install.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.xiaowei-lock ] || [ "$(cat node_modules/.xiaowei-lock)" != "$lock_sum" ]; then
    echo "bootstrap: installing front-end packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_sum" > node_modules/.xiaowei-lock
fi
