/** The server's logger on stderr: JSON lines for machines, or pino-pretty's readable lines for people. */
import { destination, type Logger, pino } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { LogFormat, LogLevel } from '../config.js';

export function createLogger(level: LogLevel, format: LogFormat): Logger {
  const options = { name: 'titan-mock-server', level };
  // Synchronous writes in both formats: lines keep their order and none is lost when the process exits.
  if (format === 'json') return pino(options, destination({ dest: 2, sync: true }));
  return pino(
    options,
    PinoPretty({
      destination: 2,
      sync: true,
      colorize: process.stderr.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,name',
      // One line per entry, fields as JSON after the message: reads like a log tail.
      singleLine: true,
    }),
  );
}
