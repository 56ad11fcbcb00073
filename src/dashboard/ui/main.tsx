/** The dashboard's entry point (bundled by src/dashboard/ui-build.ts). */
import { render } from 'preact';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App serverName={document.body.dataset.serverName || 'Switchboard'} />, root);
}
