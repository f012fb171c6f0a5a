// application/json or any application/*+json, with any parameters (charset=utf-8 and the like).
const JSON_MEDIA_TYPE = /^application\/(?:[^\s;/]+\+)?json\s*(?:;.*)?$/is;

/** Whether a Content-Type header names JSON. */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  return typeof contentType === 'string' && JSON_MEDIA_TYPE.test(contentType.trim());
}
