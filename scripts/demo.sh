#!/usr/bin/env bash
# The main job, locally: Azurite + the function app in the standalone host, a month of realistic journeys
# sent through the real Segment Node client, a count of what arrived in raw storage, and a (provisional)
# daily run of today through the ops API, ending with the report's location and its lifecycle funnel.
# Options (environment): DEMO_PERSONS (default 2500), DEMO_DAYS (30), DEMO_SEED (42), REPORTING_TZ (UTC).
source "$(dirname "$0")/lib.sh"

persons="${DEMO_PERSONS:-2500}"
days="${DEMO_DAYS:-30}"
seed="${DEMO_SEED:-42}"
out="$LOCAL_DIR/demo"
rm -rf "$out" && mkdir -p "$out"

ensure_node_tools
ensure_dotnet
say "Starting Azurite (in memory, loopback)"
start_azurite

port=$(free_port)
write_key="demo-$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
admin_key="ops-$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
read_key="rk-$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
# A local hash key for this run only (never written down): the app refuses to hash personal data without one.
hash_secret="$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')"
zone="${REPORTING_TZ:-UTC}"
say "Starting the function app in the standalone host on http://127.0.0.1:$port"
Storage__ConnectionString="$AZURITE_CONNECTION" Ingest__WriteKeys__0="$write_key" FunctionKeys__Host__default="$admin_key" Reports__ReadKeys__0="$read_key" Reporting__TimeZone="$zone" \
  Privacy__HashSecret="$hash_secret" \
  Reporting__Language="${REPORTING_LANGUAGE:-en}" \
  dotnet "$REPO_ROOT/functions/src/Funnel.Standalone/bin/${CONFIGURATION:-Debug}/net10.0/Funnel.Standalone.dll" \
  --urls "http://127.0.0.1:$port" --contentRoot "$REPO_ROOT/functions/src/Funnel.Standalone" >"$out/app.log" 2>&1 &
PIDS+=($!)
wait_for_http "http://127.0.0.1:$port/" 60 || { tail -n 20 "$out/app.log" >&2; exit 1; }

funnel() { dotnet "$REPO_ROOT/functions/src/Funnel.Cli/bin/${CONFIGURATION:-Debug}/net10.0/funnel.dll" --connection "$AZURITE_CONNECTION" "$@"; }

say "Putting docs/definitions.sample.json in force (funnels with labels, channel costs, the 30/70 rollout's split, targets)"
funnel definitions upload "$REPO_ROOT/docs/definitions.sample.json" --app "http://127.0.0.1:$port" --key "$admin_key" >&2

say "Uploading $days days of spend: two campaigns of their own, and wechat's spend outside its campaigns (funnel spend import)"
node -e '
  const days = +process.argv[1], rows = ["day,channel,amount,currency,campaign"];
  for (let i = 0; i < days; i++) {
    const day = new Date(Date.now() - i * 86400000).toISOString().slice(0, 10);
    rows.push(`${day},douyin,310.25,CNY,douyin-feed`, `${day},wechat,480,CNY,wechat-moments-ad`, `${day},wechat,200,CNY,`);
  }
  console.log(rows.join("\n"));' "$days" >"$out/spend.csv"
funnel spend import "$out/spend.csv" --app "http://127.0.0.1:$port" --key "$admin_key" >&2

say "Generating journeys of $persons persons over $days days (seed $seed)"
sample=$(funnel sample --persons "$persons" --days "$days" --seed "$seed" --out "$out/calls.ndjson" --json)
humans=$(node -e 'console.log(JSON.parse(process.argv[1]).humans)' "$sample")
echo "    $sample" >&2

say "Sending them with @segment/analytics-node"
summary=$(node "$NODE_TOOLS/send-events.mjs" --host "http://127.0.0.1:$port" --write-key "$write_key" --in "$out/calls.ndjson" --run-id "demo$seed")
echo "    client: $summary" >&2
sent=$(node -e 'console.log(JSON.parse(process.argv[1]).sent)' "$summary")
sent_persons=$(node -e 'console.log(JSON.parse(process.argv[1]).persons)' "$summary")

say "Waiting for ProcessEvents to drain the events queue"
deadline=$((SECONDS + 300))
while :; do
  waiting=$(node -e 'console.log(JSON.parse(process.argv[1]).events)' "$(funnel queue status --json)")
  [ "$waiting" -eq 0 ] && break
  [ $SECONDS -lt $deadline ] || { echo "error: $waiting messages still queued after 300 s; see $out/app.log" >&2; break; }
  printf '    %s messages still queued\r' "$waiting" >&2
  sleep 1
done
say "Counting raw storage"
tally=$(funnel raw count --json)
found=$(node -e 'console.log(JSON.parse(process.argv[1]).Events)' "$tally")
poisoned=$(funnel poison list | tail -n 1)

echo "    $poisoned" >&2

today=$(TZ="$zone" date +%F)
say "Running today's aggregation ($today in $zone, provisional) through the ops API"
started=$(curl -fsS -X POST -H "x-functions-key: $admin_key" "http://127.0.0.1:$port/ops/aggregations/$today")
echo "    $started" >&2
deadline=$((SECONDS + 300))
while :; do
  status=$(curl -fsS -H "x-functions-key: $admin_key" "http://127.0.0.1:$port/ops/aggregations/$today" || echo '{"status":"Pending"}')
  state=$(node -e 'const s=JSON.parse(process.argv[1]);console.log(s.status)' "$status")
  progress=$(node -e 'const s=JSON.parse(process.argv[1]);console.log(`${s.step ?? "fold"}: ${s.shardsDone ?? 0}/${s.shards ?? "?"} shards`)' "$status")
  case "$state" in
    Completed) break ;;
    Failed) echo "error: today's run failed: $status; see $out/app.log" >&2; exit 1 ;;
  esac
  [ $SECONDS -lt $deadline ] || { echo "error: today's run has not finished after 300 s: $status" >&2; exit 1; }
  printf '    %s, %s        \r' "$state" "$progress" >&2
  sleep 0.5
done
echo >&2
funnel report --day "$today" --out "$out/reports"
api_url="http://127.0.0.1:$port/reports/$today/report.html"
curl -fsS -H "Authorization: Bearer $read_key" -o "$out/reports/$today/report.html" "$api_url"
curl -fsS -H "Authorization: Bearer $read_key" -o "$out/reports/$today/report.csv" "http://127.0.0.1:$port/reports/$today/report.csv"
mkdir -p "$out/reports/$today/audiences"
for audience in $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).audiences.map(a=>a.name).join(" "))' "$out/reports/$today/report.json"); do
  curl -fsS -H "Authorization: Bearer $read_key" -o "$out/reports/$today/audiences/$audience.csv" "http://127.0.0.1:$port/reports/$today/audiences/$audience.csv"
done
echo
# Every person seen is in exactly one lifecycle stage: one per human, devices linked to their users.
persons=$(node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1])).lifecycle.stages;console.log(Object.values(s).reduce((a,b)=>a+b,0))' "$out/reports/$today/report.json")
channels=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(r.funnels[0].breakdowns.channel.map(c=>`${c.value} ${c.steps[0].count}`).join(", "))' "$out/reports/$today/report.json")
echo "signups by first-touch channel (anonymous landings included): $channels"
echo "sent $sent events for $sent_persons user and device ids of $humans simulated humans with @segment/analytics-node; found $found events in raw storage; the report counts $persons persons; report: $AZURITE_BLOB_URL/reports/$today/report.json (API: $api_url); open $out/reports/$today/report.html"
[ "$persons" -eq "$humans" ] || { echo "error: the report counts $persons persons for $humans simulated humans" >&2; exit 1; }
[ "$found" -eq "$sent" ] || { echo "error: raw storage holds $found events, expected $sent; see $out/app.log" >&2; exit 1; }
