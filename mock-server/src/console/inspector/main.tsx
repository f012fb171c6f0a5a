/** The inspector's entry point, built into dist/inspector/app.js. */
// biome-ignore lint/correctness/useImportExtensions: the stylesheet, which esbuild emits as dist/inspector/app.css.
import './inspector.css';
import { render } from 'preact';
import { App } from './App.js';

const root = document.getElementById('app')!;
// The page's "Loading…" line goes: render() adds to what the element holds rather than replacing it.
root.replaceChildren();
render(<App />, root);
