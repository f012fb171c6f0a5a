/** Asks for the API token when the address had none (the ready line's `dashboard` link carries it). */
import { useState } from 'preact/hooks';

interface Props {
  refusal: string | null;
  onToken(token: string): void;
}

export function TokenForm({ refusal, onToken }: Props) {
  const [value, setValue] = useState('');
  return (
    <main class="sign-in">
      <h1>Titan webhooks mock server</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim() !== '') onToken(value.trim());
        }}
      >
        <label for="token">API token</label>
        <p id="token-hint" class="hint">
          The server prints it at start, in its ready line (<code>"token"</code>). It stays in this tab only.
        </p>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          aria-describedby="token-hint"
          value={value}
          onInput={(event) => setValue(event.currentTarget.value)}
        />
        {refusal && (
          <p role="alert" class="error">
            {refusal}
          </p>
        )}
        <button type="submit">Open the inspector</button>
      </form>
    </main>
  );
}
