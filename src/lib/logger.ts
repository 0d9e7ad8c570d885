import pino, { type Logger } from 'pino';

export type { Logger };

// Supporters' contact details and webhook payloads never reach a log line.
const REDACT = [
  'email', '*.email', '*.*.email', 'phone', '*.phone', '*.*.phone', 'address', '*.address', '*.*.address',
  'note', '*.note', 'firstName', '*.firstName', 'lastName', '*.lastName', 'supporter', '*.supporter',
  'payload', '*.payload', 'body', '*.body', 'req.headers.authorization', 'req.headers.cookie',
  'req.headers["stripe-signature"]', 'err.raw', 'err.headers', 'err.requestParams',
];

const EMAIL = /[^\s"'<>@:;,]+@[^\s"'<>@:;,]+\.[a-z]{2,}/gi;

/** Error messages are not ours: Stripe, for one, echoes a rejected email address in them. */
export function scrubText(text: string): string {
  return text.replace(EMAIL, '[email]');
}

function errSerializer(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack'] as const) {
    if (typeof serialized[key] === 'string') serialized[key] = scrubText(serialized[key]);
  }
  return serialized;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, serializers: { err: errSerializer } }, destination);
}
