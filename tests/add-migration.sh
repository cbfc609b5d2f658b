#!/usr/bin/env bash
# Adds one generated migration for each provider (README, "Changing the schema"):
#   bash tests/add-migration.sh NAME
# The model is ChatOrganizerDb; SQLite's migrations go to Storage/Migrations/Sqlite, PostgreSQL's to
# Storage/Migrations/Postgres. No database is needed. Only this script needs the dotnet-ef tool (pinned in the
# repository's dotnet-tools.json); building and testing do not.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: bash tests/add-migration.sh NAME (PascalCase, e.g. AddSessionCorrections)}
project=src/ChatOrganizer.Web

dotnet tool restore >/dev/null
dotnet build "$project" -v q -nologo
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" --no-build --project "$project" \
    --context "${provider}ChatOrganizerDb" --output-dir "Storage/Migrations/$provider"
done
