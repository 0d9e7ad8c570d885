import pino, { type Logger } from 'pino';

export type { Logger };

// Supporters' contact details and webhook payloads never reach a log line.
const REDACT = [
  'email', '*.email', '*.*.email', 'phone', '*.phone', '*.*.phone', 'address', '*.address', '*.*.address',
  'note', '*.note', 'firstName', '*.firstName', 'lastName', '*.lastName', 'supporter', '*.supporter',
  'payload', '*.payload', 'body', '*.body', 'req.headers.authorization', 'req.headers.cookie',
  'req.headers["stripe-signature"]',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}
