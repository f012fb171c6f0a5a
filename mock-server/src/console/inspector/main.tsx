/** The inspector's entry point, built into dist/inspector/app.js. */
// biome-ignore lint/correctness/useImportExtensions: the stylesheet, which esbuild emits as dist/inspector/app.css.
import './inspector.css';
import { render } from 'preact';
import { App } from './App.js';

render(<App />, document.getElementById('app')!);
