#!/usr/bin/env bash
# Builds the deployable function app package: the `dotnet publish` output of the isolated worker app
# (Funnel.Functions.dll, host.json, worker.config.json, functions.metadata, extensions.json and the
# host-side extensions under .azurefunctions/), zipped for Flex Consumption's one-deploy.
# Usage: scripts/publish.sh [output.zip]   (default: artifacts/funnel-functions.zip)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$REPO_ROOT/artifacts/funnel-functions.zip}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
layout="$(mktemp -d)"
trap 'rm -rf "$layout"' EXIT

echo "==> Publishing the function app (Release)" >&2
dotnet publish "$REPO_ROOT/functions/src/Funnel.Functions/Funnel.Functions.csproj" -c Release \
  -p:GenerateDocumentationFile=false -o "$layout" --nologo -v quiet >&2
rm -f "$layout/local.settings.json"

mkdir -p "$(dirname "$out")"
dotnet msbuild "$REPO_ROOT/scripts/zip.proj" -t:Zip -nologo -v:quiet -p:Source="$layout" -p:Destination="$out" >&2
echo "$out"
