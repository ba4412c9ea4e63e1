#!/usr/bin/env bash
# The version command of .github/workflows/release.yml (changesets/action runs it without a shell, so
# the two steps live here): version every public package, then regenerate the Pact files, whose
# consumer version (metadata.pipeshub.consumerVersion) is the client's package.json version. The
# version pull request then carries pacts that match the version it releases, which is what CI's
# drift check and the release test's pact assertion require.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
pnpm version-packages
pnpm turbo run test:contract --filter=@pipeshub/client
