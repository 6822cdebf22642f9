#!/usr/bin/env bash
# Runs every test: unit, contract, and integration tests against a real Azurite (each test fixture
# starts its own on free ports). Ends with one line: "tests: N passed, N failed".
source "$(dirname "$0")/lib.sh"

ensure_node_tools
ensure_chromium
ensure_dotnet
results="$LOCAL_DIR/test-results"
rm -rf "$results"
say "Running tests (dotnet test Serverless.sln)"
status=0
dotnet test "$REPO_ROOT/Serverless.sln" -c "${CONFIGURATION:-Debug}" --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" || status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$status" -ne 0 ]; then failed=1; fi
echo "tests: $passed passed, $failed failed"
exit $status
