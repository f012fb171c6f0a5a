/**
 * The token lives in the page only: taken from the URL fragment (`#token=`, as the server's ready line
 * prints it) and kept in sessionStorage, so a reload keeps it and closing the tab forgets it.
 */
const KEY = 'titan-mock-token';

/** The fragment's token (then removed from the address bar and history), else the stored one. */
export function initialToken(): string | null {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    history.replaceState(null, '', location.pathname + location.search);
    saveToken(fromFragment);
    return fromFragment;
  }
  return sessionStorage.getItem(KEY);
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
