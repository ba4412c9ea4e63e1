// The `fixed` groups of .changeset/config.json promise users one version across the group. Changesets
// keeps that promise only when every bump goes through a changeset; a manifest edited by hand (or a
// bad merge) would publish mismatched versions. This reads the groups as changesets itself does
// (@changesets/config expands the globs and validates the names) and compares the manifests.
import { readConfig } from '@changesets/config'
import { getPackages } from '@manypkg/get-packages'

/**
 * Every problem with the fixed groups of the workspace at `root`: a config changesets refuses, or a
 * group whose packages do not all carry one version. An empty list means every group is in step.
 * Also answers the groups it checked, with each package's version, for the report.
 */
export async function fixedGroupProblems(root) {
  const packages = await getPackages(root)
  const parsed = await readConfig(root, packages)
  // changesets only warns about a fixed group entry that matches no package; for a release that is a
  // group silently smaller than intended, so it fails here.
  const refused = [
    ...(parsed.errors ?? []),
    ...parsed.warnings.filter((warning) => warning.startsWith('fixed:')),
  ]
  if (refused.length > 0 || parsed.config === undefined) {
    return { groups: [], problems: refused.map((error) => `.changeset/config.json: ${error}`) }
  }
  const versionOf = new Map(packages.packages.map((pkg) => [pkg.packageJson.name, pkg.packageJson.version]))
  const groups = parsed.config.fixed.map((names) =>
    names
      .map((name) => ({ name, version: versionOf.get(name) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  )
  const problems = []
  for (const group of groups) {
    const missing = group.filter((pkg) => typeof pkg.version !== 'string')
    for (const pkg of missing) problems.push(`${pkg.name} (fixed group) has no version in its package.json`)
    const versions = new Set(group.map((pkg) => pkg.version))
    if (versions.size > 1) {
      problems.push(
        `the fixed group ${group.map((pkg) => pkg.name).join(', ')} must share one version, but has ` +
          `${group.map((pkg) => `${pkg.name}@${pkg.version}`).join(', ')}: bump versions with a changeset ` +
          '(pnpm changeset, then pnpm version-packages), never in one manifest alone',
      )
    }
  }
  return { groups, problems }
}
