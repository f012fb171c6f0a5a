/** Asks for a token when the page has none, then shows the inspector for it. */
import { useCallback, useState } from 'preact/hooks';
import { Inspector } from './Inspector.js';
import { TokenForm } from './TokenForm.js';
import { forgetToken, initialToken, saveToken } from './token.js';

export function App() {
  const [token, setToken] = useState(initialToken);
  const [refusal, setRefusal] = useState<string | null>(null);
  // Stable, so the inspector's API client and stream are made once per token.
  const signOut = useCallback((reason: string | null) => {
    forgetToken();
    setRefusal(reason);
    setToken(null);
  }, []);
  const onSignOut = useCallback(() => signOut(null), [signOut]);
  const onRefused = useCallback(() => signOut('The server refused that token. Check it and try again.'), [signOut]);
  if (token === null) {
    return (
      <TokenForm
        refusal={refusal}
        onToken={(entered) => {
          saveToken(entered);
          setRefusal(null);
          setToken(entered);
        }}
      />
    );
  }
  return <Inspector key={token} token={token} onSignOut={onSignOut} onRefused={onRefused} />;
}
