import { start, sub, createUpload, scan, remember, sleep } from './harness.mts';
const local = await start({ uploadPolicy: { maxActiveUploadsPerUser: 400 } });
const url = local.webSocketUrl;
const alice = await local.mintToken('alice'); remember(alice);
const watcher = await sub(url, alice);
watcher.send({ action: 'subscribe' }); await watcher.waitFor((m) => m.type === 'subscribed');
const size = 6 * 1024 * 1024;
for (let round = 0; round < 5; round++) {
  const up = await createUpload(local, alice, size);
  for (const [i, p] of up.parts.entries()) await fetch(p.url, { method: 'PUT', body: new Uint8Array(i === 0 ? 5 * 1024 * 1024 : 1024 * 1024) });
  const senders = await Promise.all([sub(url, alice), sub(url, alice), sub(url, alice)]);
  // first report
  senders[0]!.send({ action: 'progress', uploadId: up.uploadId, bytesSent: 1 });
  await sleep(1100 + round * 50);
  const fire = () => { for (const [k, s] of senders.entries()) for (let j = 0; j < 20; j++) s.send({ action: 'progress', uploadId: up.uploadId, bytesSent: 2 + k * 100 + j }); };
  fire();
  const complete = fetch(`${local.apiUrl}/uploads/${up.uploadId}/complete`, { method: 'POST', headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' }, body: '{}' });
  fire();
  const r = await complete; const body: any = await r.json();
  await sleep(800); await local.progressIdle();
  const rec = (await scan(local, local.uploadsTable)).find((x) => x.uploadId === up.uploadId);
  const evs = watcher.msgs.filter((m) => m.uploadId === up.uploadId && m.seq !== undefined);
  const seqs = evs.map((e) => e.seq);
  const statuses = evs.map((e) => `${e.seq}:${e.status}:${e.bytesSent}`);
  const mono = seqs.every((x, i) => i === 0 || x > seqs[i - 1]);
  console.log(`round ${round}: complete ${r.status} ${body.status ?? JSON.stringify(body)}; record status=${rec.status} seq=${rec.seq} bytesSent=${rec.bytesSent}; events monotonic=${mono} ${statuses.join(' ')}`);
  console.log('  sender errors', senders.flatMap((s) => s.msgs.filter((m) => m.type === 'error').map((m) => m.error.code)));
  for (const s of senders) s.ws.close();
}
// complete size check with a lying byte report: parts smaller than declared
const up = await createUpload(local, alice, size);
await fetch(up.parts[0]!.url, { method: 'PUT', body: new Uint8Array(5 * 1024 * 1024) });
await fetch(up.parts[1]!.url, { method: 'PUT', body: new Uint8Array(10) });
const s = await sub(url, alice);
s.send({ action: 'progress', uploadId: up.uploadId, bytesSent: size }); await sleep(500);
const r = await fetch(`${local.apiUrl}/uploads/${up.uploadId}/complete`, { method: 'POST', headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' }, body: '{}' });
console.log('lying bytesSent then short complete ->', r.status, (await r.text()).slice(0, 300));
await local.stop();
