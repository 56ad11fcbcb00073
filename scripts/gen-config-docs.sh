#!/usr/bin/env bash
# Regenerates docs/configuration.md from the composed config schema (a test checks they agree).
# Writes to a temporary file first so a failing generator never leaves a truncated page.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
  echo '# Configuration reference'
  echo
  echo "Switchboard reads a JSON config file (\`SWITCHBOARD_CONFIG=path\`) and environment variables; the environment wins. Regenerate this page with \`bash scripts/gen-config-docs.sh\` (or \`npx switchboard config reference\`) after changing a config schema (\`src/config/schema.ts\` or a feature folder's \`*-config.ts\`)."
  echo
  npx tsx src/cli/main.ts config reference
} > "$tmp"
mv "$tmp" docs/configuration.md
trap - EXIT
