/** How times, durations and bodies read on the page. */

/** Local wall-clock time, with milliseconds where tries milliseconds apart must be told apart. */
export function clockTime(iso: string, withMilliseconds = true): string {
  const date = new Date(iso);
  const time = date.toLocaleTimeString(undefined, { hour12: false });
  return withMilliseconds ? `${time}.${String(date.getMilliseconds()).padStart(3, '0')}` : time;
}

export function duration(ms: number | null): string {
  if (ms === null) return 'no duration';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** JSON indented for reading; anything else as it is. */
export function readableBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** "1 delivery", "3 deliveries". */
export const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
