import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync, appendFileSync } from 'node:fs';
import WebSocket from 'ws';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { consoleLog } from '../local/localLog.js';
import { startLocal, type LocalMode } from '../local/startLocal.js';

export const TOKENS_FILE = '/tmp/attack/tokens.txt';
export function remember(token: string) { appendFileSync(TOKENS_FILE, token + '\n'); }

export async function start(extra: Record<string, unknown> = {}): Promise<LocalMode> {
  const dataDir = await mkdtemp(join(tmpdir(), 'attack-'));
  return startLocal({ port: 0, s3Port: 0, dynamoDbPort: 0, sqsPort: 0, dataDir, processUploads: false, expireIntervalSeconds: 0, sweepIntervalSeconds: 0, log: consoleLog, ...extra } as any);
}

export function doc(local: LocalMode) {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: local.region, credentials: local.credentials }));
}
export async function scan(local: LocalMode, table: string): Promise<any[]> {
  const out: any[] = []; let key: any;
  do { const p = await doc(local).send(new ScanCommand({ TableName: table, ExclusiveStartKey: key })); out.push(...(p.Items ?? [])); key = p.LastEvaluatedKey; } while (key);
  return out;
}

export interface Sock { ws: WebSocket; msgs: any[]; raw: string[]; closed: Promise<{code:number;reason:string}>; send(m: unknown): void; waitFor(f:(m:any)=>boolean, ms?:number): Promise<any>; }

export function open(url: string, protocols: string[] | undefined): Promise<Sock> {
  const ws = new WebSocket(url, protocols as any);
  const msgs: any[] = []; const raw: string[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (d) => { const s = d.toString(); raw.push(s); try { msgs.push(JSON.parse(s)); } catch { msgs.push({ unparsable: s }); } for (const w of waiters) w(); });
  const closed = new Promise<{code:number;reason:string}>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, msgs, raw, closed,
      send: (m) => ws.send(typeof m === 'string' || Buffer.isBuffer(m) ? m as any : JSON.stringify(m)),
      waitFor: (f, ms = 5000) => new Promise((res, rej) => {
        const check = () => { const x = msgs.find(f); if (x) { clearTimeout(t); waiters.delete(check); res(x); return true; } return false; };
        const t = setTimeout(() => { waiters.delete(check); rej(new Error('timeout; got ' + JSON.stringify(msgs).slice(0, 2000))); }, ms);
        if (!check()) waiters.add(check);
      }) }));
    ws.once('unexpected-response', (_q, res) => { let b=''; res.on('data', (c)=>b+=c); res.on('end', ()=>reject(new Error(`HTTP ${res.statusCode} ${b}`))); });
    ws.once('error', reject);
  });
}
export const sub = (url: string, token: string) => open(url, ['media-pipeline.v1', 'bearer.' + token]);

export async function createUpload(local: LocalMode, token: string, size = 6 * 1024 * 1024) {
  const r = await fetch(`${local.apiUrl}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'a.mp4', contentType: 'video/mp4', size, ...(size > 5*1024*1024 ? { partSize: 5 * 1024 * 1024 } : {}) }) });
  const b: any = await r.json();
  if (r.status !== 201) throw new Error(JSON.stringify(b));
  return b as { uploadId: string; parts: { partNumber: number; url: string }[] };
}
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
