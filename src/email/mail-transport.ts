import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../lib/logger';

export interface OutgoingMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Ours, stable per email row, so a receiving server can spot a resend after a crash. */
  readonly messageId: string;
  readonly headers: Record<string, string>;
  /** The email row's id: names the .eml file. */
  readonly emailId: number;
}

export interface MailTransport {
  /** Resolves with the provider's message id (or the file written); throws to be retried. */
  send(message: OutgoingMessage): Promise<string>;
  close(): void;
}

function nodemailerMessage(m: OutgoingMessage) {
  return { from: m.from, to: m.to, subject: m.subject, html: m.html, text: m.text, messageId: m.messageId, headers: m.headers };
}

/** SMTP through nodemailer, with short timeouts: a stuck server delays one tick, not the queue. */
export function smtpTransport(smtpUrl: string): MailTransport {
  const url = new URL(smtpUrl);
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // A local relay without a certificate is common; over smtps the certificate is checked.
    ...(url.searchParams.get('tls') === 'insecure' ? { tls: { rejectUnauthorized: false } } : {}),
  });
  return {
    async send(message) {
      const info = await transporter.sendMail(nodemailerMessage(message));
      return String(info.response ?? info.messageId);
    },
    close: () => transporter.close(),
  };
}

/** Without SMTP_URL: each message becomes `<outbox>/<email id>.eml`, and the path is logged. */
export function outboxTransport(outboxDir: string, logger: Logger): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await transporter.sendMail(nodemailerMessage(message));
      fs.mkdirSync(outboxDir, { recursive: true });
      const file = path.join(outboxDir, `${message.emailId}.eml`);
      fs.writeFileSync(file, info.message as Buffer);
      logger.info({ emailId: message.emailId, file }, 'email written to the outbox');
      return file;
    },
    close: () => undefined,
  };
}
