// Sends Segment calls from an NDJSON file through a real client SDK: @segment/analytics-node (default) or,
// with --sdk rudderstack, @rudderstack/rudder-sdk-node (gzip bodies labelled by axios as form data).
// Usage: node send-events.mjs --host http://127.0.0.1:PORT --write-key KEY --in calls.ndjson [--sdk segment|rudderstack]
//        [--ids-out ids.txt] [--run-id ID] [--flush-at N]
// Prints one JSON line: {"sent":N,"persons":P,"failed":F,"seconds":S}.
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
for (const required of ['host', 'write-key', 'in']) {
  if (!args[required]) {
    console.error(`missing --${required}`);
    process.exit(2);
  }
}
const runId = args['run-id'] ?? `run${Date.now()}`;
let failed = 0;
const reportFailure = (err) => {
  failed += 1;
  if (failed <= 5) console.error(`delivery failed: ${err?.reason ?? err?.response?.status ?? err?.message ?? err}`);
};
const flushAt = Number(args['flush-at'] ?? 200);
const analytics = args.sdk === 'rudderstack' ? rudderStack() : segment();

function segment() {
  const client = new Analytics({
    writeKey: args['write-key'],
    host: args.host,
    flushAt,
    flushInterval: 500,
    maxRetries: 5,
    httpRequestTimeout: 30000,
  });
  client.on('error', reportFailure);
  return client;
}

// The same calls as the Segment client's; closeAndFlush drains the SDK's in-memory queue.
function rudderStack() {
  const client = new RudderAnalytics(args['write-key'], {
    dataPlaneUrl: args.host,
    flushAt,
    flushInterval: 500,
    retryCount: 5,
    timeout: 30000,
    logLevel: 'error',
    errorHandler: reportFailure,
  });
  client.closeAndFlush = async () => {
    while (client.queue.length > 0) await client.flush();
    await client.pendingFlush;
  };
  return client;
}

const started = Date.now();
const persons = new Set();
const ids = [];
let sent = 0;
const lines = createInterface({ input: createReadStream(args.in), crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const call = JSON.parse(line);
  const messageId = `${runId}-${sent}`;
  const common = {
    userId: call.userId,
    anonymousId: call.anonymousId,
    context: call.context,
    timestamp: call.timestamp ? new Date(call.timestamp) : undefined,
    messageId,
  };
  switch (call.type) {
    case 'track': analytics.track({ ...common, event: call.event, properties: call.properties }); break;
    case 'identify': analytics.identify({ ...common, traits: call.traits }); break;
    case 'page': analytics.page({ ...common, name: call.name, properties: call.properties }); break;
    case 'screen': analytics.screen({ ...common, name: call.name, properties: call.properties }); break;
    case 'group': analytics.group({ ...common, groupId: call.groupId, traits: call.traits }); break;
    case 'alias': analytics.alias({ userId: call.userId, previousId: call.previousId, messageId, timestamp: common.timestamp }); break;
    default: console.error(`skipping unknown call type ${call.type}`); continue;
  }
  persons.add(call.userId ?? call.anonymousId);
  ids.push(messageId);
  sent += 1;
  // Let the client flush as it goes instead of queueing everything in memory.
  if (sent % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
}
await analytics.closeAndFlush({ timeout: 120000 });
if (args['ids-out']) writeFileSync(args['ids-out'], ids.join('\n') + '\n');
console.log(JSON.stringify({ sent, persons: persons.size, failed, seconds: (Date.now() - started) / 1000 }));
process.exit(failed > 0 ? 1 : 0);
