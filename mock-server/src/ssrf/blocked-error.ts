/** The error a connection refused by the SSRF guard fails with; the delivery engine reports its message. */
export class SsrfBlockedError extends Error {
  readonly code = 'ERR_SSRF_BLOCKED';

  constructor(address: string, refusal: string, hostname?: string) {
    const target = hostname === undefined || hostname === address ? address : `${address} (resolved from ${hostname})`;
    super(`refused to connect to ${target}, ${refusal}`);
    this.name = 'SsrfBlockedError';
  }
}
