import path from 'node:path';
import { z } from 'zod';

// Express's own parser of `trust proxy` lists (a dependency of express): it names a bad entry.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const compileProxyList = require('proxy-addr').compile as (list: string[]) => unknown;

/** A hop count (`1`), or addresses, CIDRs and Express's names (`loopback, 10.0.0.0/8`). */
const trustProxy = z
  .string()
  .trim()
  .transform((value, ctx): number | string[] => {
    if (/^\d+$/.test(value)) return Number(value);
    const list = value.split(',').map((entry) => entry.trim());
    try {
      if (list.some((entry) => entry === '')) throw new TypeError('empty entry');
      compileProxyList(list);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a hop count (e.g. 1) or addresses/CIDRs such as loopback, 10.0.0.0/8' });
      return z.NEVER;
    }
    return list;
  });

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number('must be a port number').int('must be a port number').min(0).max(65535).default(3000),
    PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    DATABASE_URL: optionalText.pipe(
      z.url({ protocol: /^postgres(ql)?$/, message: 'must be a postgres:// connection string' }).optional(),
    ),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    STRIPE_SECRET_KEY: optionalText.pipe(
      z.string().regex(/^(sk|rk)_(test|live)_\w+$/, 'must look like sk_test_… or sk_live_…').optional(),
    ),
    STRIPE_WEBHOOK_SECRET: optionalText.pipe(
      z.string().regex(/^whsec_\w+$/, 'must look like whsec_…').optional(),
    ),
    STRIPE_API_BASE: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    SMTP_URL: optionalText.pipe(z.url({ protocol: /^smtps?$/, message: 'must be smtp://user:pass@host:port' }).optional()),
    MAIL_FROM: z.string().trim().min(3).default('Colecta <no-reply@localhost>'),
    SESSION_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    CHECKOUT_LIMIT_PER_IP: z.coerce.number('must be a whole number').int('must be a whole number').min(0).default(30),
    CHECKOUT_LIMIT_PER_EMAIL: z.coerce.number('must be a whole number').int('must be a whole number').min(0).default(5),
    TRUST_PROXY: z.string().optional().transform((v) => (v === undefined || v.trim() === '' ? 'loopback' : v)).pipe(trustProxy),
    RUN_WORKER: z.enum(['true', 'false'], 'must be true or false').default('true'),
    CHECKOUT_LIMIT_WINDOW_SECONDS: z.coerce.number('must be a whole number').int('must be a whole number').min(1).default(600),
    WEBHOOK_SLOTS: z.coerce.number('must be a whole number').int('must be a whole number').min(1).max(256).default(16),
    WEBHOOK_INLINE_SLOTS: z.coerce.number('must be a whole number').int('must be a whole number').min(0).max(256).default(8),
  })
  .superRefine((env, ctx) => {
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'is required when STRIPE_SECRET_KEY is set' });
    }
    if (env.NODE_ENV === 'production' && !env.STRIPE_SECRET_KEY) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_SECRET_KEY'], message: 'is required with NODE_ENV=production (demo mode is for trying Colecta only)' });
    }
    if (env.WEBHOOK_INLINE_SLOTS > env.WEBHOOK_SLOTS) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_INLINE_SLOTS'], message: `must be at most WEBHOOK_SLOTS (${env.WEBHOOK_SLOTS})` });
    }
    if (env.DATABASE_URL && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required when DATABASE_URL is set' });
    }
  });

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly publicUrl: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly stripe: {
    readonly secretKey: string | undefined;
    readonly webhookSecret: string | undefined;
    readonly apiBase: string | undefined;
  };
  readonly demoMode: boolean;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly sessionSecret: string | undefined;
  readonly logLevel: string;
  /** Express's `trust proxy`: a hop count, or the proxies' addresses/CIDRs. */
  readonly trustProxy: number | readonly string[];
  /** false on a web-only instance: the email worker runs elsewhere (`npm run worker`). */
  readonly runWorker: boolean;
  /** Stripe events one instance processes at once, and how many of those while Stripe waits. */
  readonly webhookSlots: { readonly total: number; readonly inline: number };
  /** Checkout sessions opened per window, per IP and per email (0 = no limit). */
  readonly checkoutLimits: { readonly perIp: number; readonly perEmail: number; readonly windowSeconds: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    stripe: Object.freeze({
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      apiBase: e.STRIPE_API_BASE,
    }),
    demoMode: !e.STRIPE_SECRET_KEY,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    sessionSecret: e.SESSION_SECRET,
    logLevel: e.LOG_LEVEL,
    trustProxy: typeof e.TRUST_PROXY === 'number' ? e.TRUST_PROXY : Object.freeze([...e.TRUST_PROXY]),
    runWorker: e.RUN_WORKER === 'true',
    webhookSlots: Object.freeze({ total: e.WEBHOOK_SLOTS, inline: e.WEBHOOK_INLINE_SLOTS }),
    checkoutLimits: Object.freeze({
      perIp: e.CHECKOUT_LIMIT_PER_IP, perEmail: e.CHECKOUT_LIMIT_PER_EMAIL, windowSeconds: e.CHECKOUT_LIMIT_WINDOW_SECONDS,
    }),
  });
}
