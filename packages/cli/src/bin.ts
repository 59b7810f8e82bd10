#!/usr/bin/env node
import { reportFatalErrors } from '@sparse/core';
import { main } from './main.js';
import { nodeIo } from './io.js';

// An error that escapes main (a callback, a stream): one line for a SparseError, exit code 2 or 1.
reportFatalErrors('sparse');

process.exitCode = await main(process.argv.slice(2), nodeIo());
