import { EventEmitter } from 'node:events';

/**
 * Aborts an attempt when its time is up. undici takes any emitter of 'abort' with an `aborted` flag as
 * a request's signal; this one costs a fraction of an AbortController, which an attempt would
 * otherwise make every time (profiles of the delivery loop showed it among the largest costs).
 */
export class Deadline extends EventEmitter {
  aborted = false;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    super();
    this.timer = setTimeout(() => {
      this.aborted = true;
      this.emit('abort');
    }, ms);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
