import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './constants.ts';

/**
 * The one configured tracer (X-Ray). Kept in its own module: the X-Ray SDK is heavy, so only handlers that
 * trace import it, and the webhook handler's cold start stays light.
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME });
