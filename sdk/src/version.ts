/** The toolkit's version, sent in the delivery User-Agent. */
export const VERSION = '0.1.0';
