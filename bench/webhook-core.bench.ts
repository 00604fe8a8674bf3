/**
 * Core path per event: verify + parse + identity (decideWebhook) on a ~300-byte signed payload.
 * Goal (issue 2): median ≤ 50 µs on the 2-core build machines.
 */
import { signBody } from '#commons/webhook/signature';
import { decideWebhook } from '#commons/webhook/webhook-decision';
import { summarise } from './stats.ts';

const PAYLOAD =
  '{"event":"sync_end","created":"2026-05-22T00:06:08.638Z","connector_type":"google_cloud_postgresql","connector_id":"assimilate_seem","connector_name":"ftar_pg","sync_id":"b4703f73-6315-4e22-8d7a-3bfb18b2fed2","destination_group_id":"inappropriate_implode","data":{"status":"SUCCESSFUL"}}';

export default async function run(): Promise<void> {
  const secret = 'bench-secret-current-0123456789abcdef0123';
  const body = Buffer.from(PAYLOAD);
  const headers = { 'X-Fivetran-Signature-256': signBody(body, secret) };
  const secrets = [secret, 'bench-secret-previous'];
  const iterations = 50_000;
  for (let i = 0; i < 5_000; i++) decideWebhook({ body, headers, secrets });
  const samples: number[] = new Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    const decision = decideWebhook({ body, headers, secrets });
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
    if (decision.action !== 'store') throw new Error(`unexpected decision ${decision.action}`);
  }
  const { median, p99, mean } = summarise(samples);
  console.log(`payload ${body.byteLength} bytes, ${iterations} iterations, node ${process.version}`);
  console.log(
    `verify+parse+identity: median ${median.toFixed(1)} µs, p99 ${p99.toFixed(1)} µs, mean ${mean.toFixed(1)} µs`,
  );
  console.log(`goal median ≤ 50 µs: ${median <= 50 ? 'met' : 'NOT met'}`);
}
