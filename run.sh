#!/usr/bin/env bash
# One entry point that sets everything up on a fresh Debian machine, then runs a job.
#   ./run.sh          set up, then the main job: ingest the configured channel and serve the search UI
#   ./run.sh test     set up (with test extras), then every test: pytest runs all markers, slow and browser included
#   ./run.sh demo     set up, then the offline demo: a loopback feed of ../shared/media → ingest → index → UI
set -euo pipefail
cd "$(dirname "$0")"
job="${1:-main}"
shift || true

need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
if [ "$job" = test ]; then
  # the browser tests drive Debian's chromium; the trilingual fixtures are spoken by espeak-ng;
  # npm installs axe-core (package.json) for the accessibility checks
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  command -v espeak-ng >/dev/null 2>&1 || need_apt+=(espeak-ng)
  command -v npm >/dev/null 2>&1 || need_apt+=(npm)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "==> apt-get install ${need_apt[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || { echo "==> creating .venv"; "$PY" -m venv .venv; }
. .venv/bin/activate
case "$job" in
  test) extras="[test]" ;;
  demo) extras="[offline-models]" ;;
  *) extras="" ;;
esac
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)${extras}"
if ! [ -f "$stamp" ]; then
  echo "==> pip install -e .${extras}"
  python -m pip install -q --upgrade pip >/dev/null
  # openai-whisper needs torch; this pin is the CPU build that installs quickly (no CUDA download).
  [ "$job" = test ] && python -m pip install -q "torch==2.13.0"
  python -m pip install -q -e ".${extras}"
  touch "$stamp"
fi

case "$job" in
  main)
    sessions ingest "$@" || echo "(ingest reported failures: see 'sessions status')"
    exec sessions serve ;;
  test)
    export HF_HUB_OFFLINE=1
    # axe-core (package.json, pinned by package-lock.json) for the accessibility checks of the browser tests
    [ -f node_modules/axe-core/axe.min.js ] || { echo "==> npm ci"; npm ci --no-audit --no-fund --silent; }
    exec python -m pytest "$@" ;;
  demo)
    exec python -m demo "$@" ;;
  *) echo "usage: ./run.sh [main|test|demo]" >&2; exit 2 ;;
esac
