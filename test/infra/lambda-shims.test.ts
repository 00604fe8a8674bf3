import { describe, expect, it } from 'vitest';
import {
  EventStreamSerde,
  eventStreamSerdeProvider,
  resolveEventStreamSerdeConfig,
} from '../../infra/lambda-shims/event-streams-unavailable.ts';

describe('the event-streams stand-in', () => {
  it('lets a client wire its marshaller, then refuses loudly if a streaming operation ever uses it', () => {
    // Prepare
    const config = { eventStreamSerdeProvider, region: 'eu-west-1' };

    // Act
    const resolved = resolveEventStreamSerdeConfig(config);

    // Assess
    expect(resolved.region).toBe('eu-west-1');
    expect(() => (resolved.eventStreamMarshaller as { serialize(): void }).serialize()).toThrow(
      /event streams are not in this bundle .*remove the alias/,
    );
    expect(() => new EventStreamSerde({})).toThrow(/event streams are not in this bundle/);
  });
});
