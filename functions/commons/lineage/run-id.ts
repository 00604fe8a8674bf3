import { createHash } from 'node:crypto';

/** Our own name-space UUID for RFC 9562 version-5 ids (random once, fixed forever: changing it renames runs). */
const RUN_ID_NAMESPACE = '6095a71f-5c6d-4668-84c2-553133e12385';

/** RFC 9562 §5.5 UUIDv5: SHA-1 of the name-space bytes and the name, version and variant bits set. */
export function uuidV5(name: string, namespace = RUN_ID_NAMESPACE): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The OpenLineage run id of one Fivetran sync: derived from the sync id (and its connection, since Fivetran's
 * sync ids are not always UUIDs), so a redelivered webhook, or the START and the END seen by different
 * Lambdas, name the same run.
 */
export function syncRunId(connectionId: string, syncId: string): string {
  return uuidV5(`fivetran-sync\n${connectionId}\n${syncId}`);
}
