import { start, sub, createUpload, scan, remember, sleep } from './harness.mts';
const local = await start();
const url = local.webSocketUrl;
const alice = await local.mintToken('alice'); remember(alice);
const bob = await local.mintToken('bob'); remember(bob);
const bobUp = await createUpload(local, bob);
const aliceUp = await createUpload(local, alice);
await local.progressIdle();
const snapshot = async () => ({ uploads: JSON.stringify(await scan(local, local.uploadsTable)), conns: JSON.stringify(await scan(local, local.connectionsTable)), usage: JSON.stringify(await scan(local, local.usageTable)) });
const a = await sub(url, alice);
const before = await snapshot();
const replies = async (m: unknown, wait = 400) => { const n = a.msgs.length; a.send(m); await sleep(wait); return a.msgs.slice(n); };
// Refusals: nothing should be written
const refusalCases: [string, unknown][] = [
  ['subscribe other', { action: 'subscribe', uploadId: bobUp.uploadId }],
  ['subscribe bogus', { action: 'subscribe', uploadId: '00000000-0000-0000-0000-000000000000' }],
  ['subscribe uppercase', { action: 'subscribe', uploadId: bobUp.uploadId.toUpperCase() }],
  ['subscribe 100KB id', { action: 'subscribe', uploadId: 'x'.repeat(100_000) }],
  ['subscribe id number', { action: 'subscribe', uploadId: 5 }],
  ['subscribe id null', { action: 'subscribe', uploadId: null }],
  ['progress other', { action: 'progress', uploadId: bobUp.uploadId, bytesSent: 10 }],
  ['progress other huge', { action: 'progress', uploadId: bobUp.uploadId, bytesSent: 1e308 }],
  ['progress neg', { action: 'progress', uploadId: aliceUp.uploadId, bytesSent: -1 }],
  ['progress float', { action: 'progress', uploadId: aliceUp.uploadId, bytesSent: 1.5 }],
  ['progress string', { action: 'progress', uploadId: aliceUp.uploadId, bytesSent: '100' }],
  ['progress 1e308', { action: 'progress', uploadId: aliceUp.uploadId, bytesSent: 1e308 }],
  ['progress NaN text', '{"action":"progress","uploadId":"' + aliceUp.uploadId + '","bytesSent":NaN}'],
  ['progress huge int', { action: 'progress', uploadId: aliceUp.uploadId, bytesSent: 2 ** 53 + 2 }],
  ['progress > size', { action: 'progress', uploadId: aliceUp.uploadId, bytesSent: 6 * 1024 * 1024 + 1 }],
  ['progress -0', '{"action":"progress","uploadId":"' + aliceUp.uploadId + '","bytesSent":-0}'],
  ['progress null', { action: 'progress', uploadId: aliceUp.uploadId, bytesSent: null }],
  ['progress array', { action: 'progress', uploadId: aliceUp.uploadId, bytesSent: [5] }],
  ['progress obj', { action: 'progress', uploadId: aliceUp.uploadId, bytesSent: { valueOf: 5 } }],
  ['progress missing', { action: 'progress', uploadId: aliceUp.uploadId }],
  ['progress 100KB id', { action: 'progress', uploadId: 'y'.repeat(100_000), bytesSent: 1 }],
  ['malformed json', '{"action":'],
  ['array', '[1,2,3]'],
  ['null', 'null'],
  ['string json', '"subscribe"'],
  ['unknown action', { action: 'x'.repeat(100_000) }],
  ['action obj', { action: { a: 1 } }],
  ['proto pollution', '{"action":"ping","__proto__":{"polluted":1}}'],
  ['deep nesting', '['.repeat(60000) + ']'.repeat(60000)],
  ['deep obj nesting', '{"action":"ping","a":' + '{"a":'.repeat(20000) + '1' + '}'.repeat(20000) + '}'],
  ['binary frame', Buffer.from(JSON.stringify({ action: 'ping' }))],
  ['unsubscribe long', { action: 'unsubscribe', uploadId: 'z'.repeat(100_000) }],
  ['unsubscribe other', { action: 'unsubscribe', uploadId: bobUp.uploadId }],
  ['many fields', JSON.stringify(Object.fromEntries([['action', 'subscribe'], ...Array.from({ length: 8000 }, (_, i) => ['k' + i, i])]))],
];
for (const [name, m] of refusalCases) {
  const r = await replies(m);
  const size = r.map((x) => JSON.stringify(x).length);
  console.log(`${name}: ${JSON.stringify(r).slice(0, 300)} sizes=${size}`);
}
const after = await snapshot();
console.log('uploads unchanged', before.uploads === after.uploads, 'conns unchanged', before.conns === after.conns, 'usage unchanged', before.usage === after.usage);
if (before.conns !== after.conns) console.log('conns now', after.conns.slice(0, 1000));
if (before.uploads !== after.uploads) console.log('uploads now', after.uploads.slice(0, 2000));
// Bob's socket: did bob hear anything from alice's attempts?
const b = await sub(url, bob);
b.send({ action: 'subscribe' }); await b.waitFor((m) => m.type === 'subscribed');
console.log('bob snapshot', JSON.stringify(b.msgs).slice(0, 600));
// Alice "all mine" leak?
const n = a.msgs.length; a.send({ action: 'subscribe' }); await a.waitFor((m) => m.type === 'subscribed');
console.log('alice all-mine snapshot ids', a.msgs.slice(n).map((m) => m.uploadId), 'bob id', bobUp.uploadId);
// 128KB boundary
const exact = JSON.stringify({ action: 'ping', pad: 'p'.repeat(128 * 1024 - 30) });
console.log('exact len', Buffer.byteLength(exact));
const c = await sub(url, alice);
c.send(exact.padEnd(128 * 1024, ' ')); await sleep(300); console.log('128KB exact ->', JSON.stringify(c.msgs));
c.send('x'.repeat(128 * 1024 + 1)); console.log('128KB+1 close', await c.closed);
// fragmented message over limit
const d = await sub(url, alice);
(d.ws as any).send('a'.repeat(70000), { fin: false }); (d.ws as any).send('a'.repeat(70000), { fin: true });
console.log('fragmented 140KB close', await d.closed);
await local.stop();
