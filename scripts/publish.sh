#!/usr/bin/env bash
# Builds the deployable function app package: host.json, one folder per function with its
# function.json, and the handler self-contained for linux-x64 under handler/ (the path host.json names).
# Usage: scripts/publish.sh [output.zip]   (default: artifacts/funnel-handler.zip)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$REPO_ROOT/artifacts/funnel-handler.zip}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
layout="$(mktemp -d)"
trap 'rm -rf "$layout"' EXIT

echo "==> Publishing the handler (Release, linux-x64, self-contained)" >&2
dotnet publish "$REPO_ROOT/functions/src/Funnel.Handler/Funnel.Handler.csproj" -c Release -r linux-x64 --self-contained \
  -p:GenerateDocumentationFile=false -o "$layout/handler" --nologo -v quiet >&2

echo "==> Laying out host.json and the function folders" >&2
cp "$REPO_ROOT/functions/host.json" "$layout/"
for spec in "$REPO_ROOT"/functions/*/function.json; do
  name="$(basename "$(dirname "$spec")")"
  mkdir -p "$layout/$name"
  cp "$spec" "$layout/$name/"
done
chmod +x "$layout/handler/Funnel.Handler"

mkdir -p "$(dirname "$out")"
dotnet msbuild "$REPO_ROOT/scripts/zip.proj" -t:Zip -nologo -v:quiet -p:Source="$layout" -p:Destination="$out" >&2
echo "$out"
