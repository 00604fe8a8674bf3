import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './constants.ts';

/** The one configured logger (JSON, Lambda context added by the middy middleware). */
export const logger = new Logger({ serviceName: SERVICE_NAME });
