#!/usr/bin/env node
// The bin is a file of the source tree, not of dist/: npm links a workspace's bins before its build
// has run, and skips a bin whose file is missing, so a fresh clone would otherwise have none.
import '../dist/cli.js';
