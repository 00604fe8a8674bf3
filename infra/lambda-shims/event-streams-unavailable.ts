/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles (see lambda-bundling.ts).
 *
 * Event streams serve only operations with streaming members (Lambda's InvokeWithResponseStream, Bedrock,
 * Transcribe, …); none of the calls the functions make has one (DynamoDB, Secrets Manager, EventBridge
 * PutEvents, Lambda Invoke). Yet every client's protocol keeps an `import()` of the module, which esbuild
 * inlines in a one-file bundle (about 20 KiB, and 5-10 ms of CPU at each cold import, measured). The Lambda
 * client wires a marshaller when it is built: it gets one that refuses, loudly, if a streaming operation is
 * ever added without removing this alias.
 */

function unavailable(): never {
  throw new Error(
    'AWS SDK event streams are not in this bundle (infra/lambda-shims/event-streams-unavailable.ts): remove the alias to use a streaming operation',
  );
}

/** What a client's config holds: a marshaller for its streaming members (it never has any here). */
export const eventStreamSerdeProvider = (_options: unknown) => ({
  serialize: unavailable,
  deserialize: unavailable,
});

export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

/** The protocol builds this only for an operation with an event stream. */
export class EventStreamSerde {
  constructor(_options: unknown) {
    unavailable();
  }
}
