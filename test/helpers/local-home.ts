// Servers the tests start from the command line leave their token file in a folder of this run,
// never in the home of whoever runs the tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.TITAN_MOCK_HOME ??= mkdtempSync(join(tmpdir(), 'titan-mock-home-'));
