/**
 * The functions' structured logger: Powertools for AWS Lambda's Logger (JSON lines with level,
 * service, timestamp, and the correlation ids a handler appends). On the twin it prints the same
 * lines. The log level comes from POWERTOOLS_LOG_LEVEL (default INFO).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const log = new Logger({ serviceName: 'minsheng' });
