#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's ESM loader, so the repository needs no build step.
import { register } from 'tsx/esm/api';

// The AWS SDK prints a 9-line NodeVersionSupportWarning on every command that builds a client on Node < 22,
// which we support (>= 20.19). The SDK honours this switch for exactly that warning and nothing else
// (@aws-sdk/core emitWarningIfUnsupportedVersion); an operator who sets it otherwise keeps their choice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../functions/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
