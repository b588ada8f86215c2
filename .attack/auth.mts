import { createHmac, generateKeyPairSync, createPublicKey } from 'node:crypto';
import { SignJWT, importJWK, exportJWK, generateKeyPair } from 'jose';
import { start, open, sub, remember, sleep } from './harness.mts';
import { LOCAL_ISSUER } from '../local/auth/LocalJwtIssuer.js';

const local = await start();
const url = local.webSocketUrl;
const b64 = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
const good = await local.mintToken('alice'); remember(good);
const [h, p] = good.split('.');
const header = JSON.parse(Buffer.from(h!, 'base64url').toString());
const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
console.log('header', header, 'payload keys', Object.keys(payload));
const jwks: any = await (await fetch(`${local.apiUrl}/.well-known/jwks.json`)).json();
const pub = createPublicKey({ key: jwks.keys[0], format: 'jwk' });
const pem = pub.export({ type: 'spki', format: 'pem' }) as string;
const now = Math.floor(Date.now() / 1000);
const claims = { ...payload, sub: 'bob', exp: now + 3600 };
function hs(secret: string | Buffer, hdr: any, body: any) {
  const input = `${b64(hdr)}.${b64(body)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const other = await generateKeyPair('RS256');
const cases: Record<string, string> = {
  'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
  'alg none kid': `${b64({ alg: 'none', kid: header.kid })}.${b64(claims)}.`,
  'HS256 pem secret': hs(pem, { alg: 'HS256', kid: header.kid }, claims),
  'HS256 n secret': hs(jwks.keys[0].n, { alg: 'HS256', kid: header.kid }, claims),
  'sub swapped, orig sig': `${b64(header)}.${b64(claims)}.${good.split('.')[2]}`,
  'other key same kid': await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: header.kid }).sign(other.privateKey),
  'other key embedded jwk': await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', jwk: await exportJWK(other.publicKey) }).sign(other.privateKey),
  'expired': await local.mintToken('bob', { expiresInSeconds: -5 }),
  'no kid other key': await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(other.privateKey),
  'PS256 header': await new SignJWT(claims).setProtectedHeader({ alg: 'PS256', kid: header.kid }).sign((await generateKeyPair('PS256')).privateKey),
  'empty': '',
  'garbage': 'a.b.c',
  'huge 7KB': 'x'.repeat(7000),
};
for (const [name, token] of Object.entries(cases)) {
  for (const t of ['sub', 'query'] as const) {
    try {
      const s = t === 'sub' ? await sub(url, token) : await open(`${url}?token=${encodeURIComponent(token)}`, ['media-pipeline.v1']);
      s.send({ action: 'subscribe' }); const m = await s.waitFor((x) => x.type === 'subscribed' || x.type === 'error');
      console.log('ACCEPTED!!', name, t, m); s.ws.close();
    } catch (e) { console.log('refused', name, t, (e as Error).message); }
  }
}
// weird transports
const tries: [string, string, string[] | undefined][] = [
  ['no protocols, ?token', `${url}?token=${good}`, undefined],
  ['two bearer', url, ['media-pipeline.v1', 'bearer.' + good, 'bearer.' + good]],
  ['bearer + query', `${url}?token=${good}`, ['media-pipeline.v1', 'bearer.' + good]],
  ['bearer only, no v1', url, ['bearer.' + good]],
  ['v1 casing', url, ['Media-Pipeline.V1', 'bearer.' + good]],
  ['ok subprotocol', url, ['media-pipeline.v1', 'bearer.' + good]],
  ['ok query', `${url}?token=${good}`, ['media-pipeline.v1']],
  ['query twice', `${url}?token=${good}&token=garbage`, ['media-pipeline.v1']],
  ['query twice rev', `${url}?token=garbage&token=${good}`, ['media-pipeline.v1']],
  ['path /ws/', url + '/', ['media-pipeline.v1', 'bearer.' + good]],
];
for (const [name, u, prot] of tries) {
  try { const s = await open(u, prot); console.log('open', name, 'protocol echoed =', JSON.stringify(s.ws.protocol)); s.ws.close(); }
  catch (e) { console.log('refused', name, (e as Error).message); }
}
// expired token on a live connection: post goes to it?
const short = await local.mintToken('carol', { expiresInSeconds: 2 }); remember(short);
const s = await sub(url, short);
s.send({ action: 'subscribe' }); await s.waitFor((m) => m.type === 'subscribed');
await sleep(2600);
const carol2 = await local.mintToken('carol'); remember(carol2);
const { createUpload } = await import('./harness.mts');
await createUpload(local, carol2, 1000);
await local.progressIdle();
await sleep(300);
console.log('expired conn got', JSON.stringify(s.msgs), 'readyState', s.ws.readyState);
await local.stop();
