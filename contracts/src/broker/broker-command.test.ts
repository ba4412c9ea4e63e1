import { describe, expect, it } from 'vitest'
import { brokerFromEnvironment } from '../broker.js'
import { PACTS_DIR } from '../parties.js'
import { brokerCommandArgs } from './broker-command.js'

const settings = brokerFromEnvironment({
  PACT_BROKER_BASE_URL: 'https://broker.example',
  PACT_VERSION: '0123abc',
  PACT_BRANCH: 'main',
  PACT_BUILD_URL: 'https://ci.example/1',
})
if (settings === undefined) throw new Error('PACT_BROKER_BASE_URL is set')

describe('brokerCommandArgs', () => {
  it('publishes the committed pacts as the commit on its branch, with the build', () => {
    expect(brokerCommandArgs('publish', [], settings)).toEqual([
      'publish',
      PACTS_DIR,
      '--consumer-app-version',
      '0123abc',
      '--branch',
      'main',
      '--build-url',
      'https://ci.example/1',
    ])
    expect(brokerCommandArgs('publish', ['/tmp/other', '--branch', 'feat'], settings).slice(0, 5)).toEqual([
      'publish',
      '/tmp/other',
      '--branch',
      'feat',
      '--consumer-app-version',
    ])
  })

  it("puts the version right after --pacticipant, where can-i-deploy reads a selector's options", () => {
    expect(
      brokerCommandArgs(
        'can-i-deploy',
        ['--pacticipant', 'pipeshub-client', '--to-environment', 'production'],
        settings,
      ),
    ).toEqual([
      'can-i-deploy',
      '--pacticipant',
      'pipeshub-client',
      '--version',
      '0123abc',
      '--to-environment',
      'production',
    ])
    expect(
      brokerCommandArgs(
        'record-deployment',
        ['--pacticipant', 'x', '--version', 'v9', '--environment', 'qa'],
        settings,
      ),
    ).toEqual(['record-deployment', '--pacticipant', 'x', '--version', 'v9', '--environment', 'qa'])
  })

  it('refuses to guess which application is being deployed', () => {
    expect(() => brokerCommandArgs('can-i-deploy', ['--to-environment', 'production'], settings)).toThrow(
      /needs --pacticipant/,
    )
  })
})
