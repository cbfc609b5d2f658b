#!/usr/bin/env bash
# The one test command (README, "Run the tests"): installs what the tests need on a fresh
# Debian machine (headless Chromium for the page tests, PostgreSQL for the scale-out tests),
# then runs every test project. Safe to run again: installed pieces are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "tests/run.sh: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

dotnet test ChatOrganizer.sln --logger "console;verbosity=normal" "$@"
