import { start, sub, createUpload, scan, remember, sleep } from './harness.mts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
const local = await start({ uploadPolicy: { maxActiveUploadsPerUser: 200 } });
const url = local.webSocketUrl;
const alice = await local.mintToken('alice'); remember(alice);
const bob = await local.mintToken('bob'); remember(bob);
// deep nested bytesSent
{
  const s = await sub(url, alice);
  const up = await createUpload(local, alice, 1000);
  s.send('{"action":"progress","uploadId":"' + up.uploadId + '","bytesSent":' + '['.repeat(60000) + ']'.repeat(60000) + '}');
  s.send('{"action":"subscribe","uploadId":' + '['.repeat(60000) + ']'.repeat(60000) + '}');
  await sleep(800);
  console.log('deep bytesSent ->', JSON.stringify(s.msgs).slice(0, 400));
  s.ws.close();
}
// 60 uploads for alice, then 120 concurrent subscribes on one connection
const ids: string[] = [];
for (let i = 0; i < 60; i++) ids.push((await createUpload(local, alice, 1000)).uploadId);
await local.progressIdle();
const s = await sub(url, alice);
for (const id of ids) s.send({ action: 'subscribe', uploadId: id });
s.send({ action: 'subscribe' });
await sleep(5000);
const conns = (await scan(local, local.connectionsTable)).filter((x) => x.connectionId);
const mine = conns.filter((c) => s.msgs.length && true);
const byConn = new Map<string, number>(); for (const c of conns) byConn.set(c.connectionId, (byConn.get(c.connectionId) ?? 0) + 1);
console.log('subscriptions per connection after 61 concurrent subscribes:', [...byConn.values()]);
console.log('TOO_MANY count', s.msgs.filter((m) => m.error?.code === 'TOO_MANY_SUBSCRIPTIONS').length, 'subscribed count', s.msgs.filter((m) => m.type === 'subscribed').length, 'errors', s.msgs.filter(m=>m.type==='error').map(m=>m.error.code));
// sequential on a fresh connection
const t = await sub(url, alice);
for (const id of ids) { const n = t.msgs.length; t.send({ action: 'subscribe', uploadId: id }); while (t.msgs.length < n + 1 || !t.msgs.slice(n).some((m) => m.type === 'subscribed' || m.type === 'error')) await sleep(5); }
console.log('sequential: TOO_MANY', t.msgs.filter((m) => m.error?.code === 'TOO_MANY_SUBSCRIPTIONS').length, 'subscribed', t.msgs.filter((m) => m.type === 'subscribed').length);
// amplification: one write → posts; re-subscribe same topic repeatedly → writes each time?
const conns2 = await scan(local, local.connectionsTable);
console.log('total subscription items', conns2.length);
// repeated same-topic subscribes: count DynamoDB requests via emulator? measure time and replies
const u = await sub(url, alice);
const t0 = Date.now();
for (let i = 0; i < 200; i++) u.send({ action: 'subscribe' });
while (u.msgs.filter((m) => m.type === 'subscribed').length < 200 && Date.now() - t0 < 60000) await sleep(20);
console.log('200 "all mine" subscribes: replies', u.msgs.length, 'in', Date.now() - t0, 'ms (each answers with up to 20 events + subscribed)');
await local.stop();
