import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  /** Every message accepted, parsed, in order of arrival. */
  readonly messages: ParsedMail[];
  /** While true, the server refuses every connection with 421, as a server that is down would. */
  down: boolean;
  refused: number;
  to(address: string): ParsedMail[];
  close(): Promise<void>;
}

/** A real SMTP server on a loopback port for the tests to send to. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const sink = {
    messages,
    down: false,
    refused: 0,
    url: '',
    to: (address: string) => messages.filter((m) => {
      const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
      return to.some((a) => a.value.some((v) => v.address === address));
    }),
    close: async () => undefined,
  } as SmtpSink;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (sink.down) {
        sink.refused += 1;
        const error = Object.assign(new Error('Service not available, try later'), { responseCode: 421 });
        return callback(error);
      }
      return callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then((parsed) => {
        messages.push(parsed);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  sink.url = `smtp://127.0.0.1:${port}`;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
