/**
 * The bearer token: taken from the `#token=` fragment of the URL the server printed (fragments are never sent to
 * the server or in Referer headers), kept for the browser tab only, and removed from the address bar so shared
 * links never carry it.
 */
const KEY = 'streamstore.token';

/** Moves a token from the URL fragment into session storage. */
export function captureToken(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return;
  sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
  history.replaceState(history.state, '', location.pathname + location.search);
}

/** The token of this tab, if any. */
export function currentToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

/** Remembers a token typed in. */
export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token.trim());
}
