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

# CI keeps only the tail of the output: when tests fail, the last thing printed is which ones, with the first lines of
# each one's error message (a dozen, so that a browser test's Playwright log shows what it waited for). The exit status is dotnet test's.
output=$(mktemp)
trap 'rm -f "$output"' EXIT
set +e
dotnet test ChatOrganizer.sln --logger "console;verbosity=normal" "$@" 2>&1 | tee "$output"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  # A test's result line is "  Failed <name> [<duration>]", then its error message, then its stack trace.
  failed=$(grep -E -A12 '^\s*Failed \S.*\[[0-9][^]]*\]\s*$' "$output" | grep -v -E '^\s*(Stack Trace:|at )' | cut -c1-300 | head -n 150 || true)
  echo
  echo "tests/run.sh: dotnet test exited with $status. Failed tests:"
  echo "${failed:-(no failed test in the output: a build error or a crashed test host, see above)}"
fi
exit "$status"
