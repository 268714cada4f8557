import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { configSchema } from '../../../src-shared/config.ts'
import { CONFIG_KEYS, configFromEnv, parseCliValue, parseKey } from './keys.ts'
import { ConfigManager, loadConfig, setConfigFileKey, setConfigOffline } from './manager.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bzzz-config-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const file = () => join(dir, 'config.json')
const writeConfig = (value: unknown) => writeFile(file(), typeof value === 'string' ? value : JSON.stringify(value))

describe('environment variables', () => {
  it('maps every setting to BZZZ_ and its path in upper snake case', () => {
    const env = Object.fromEntries(CONFIG_KEYS.map((k) => [k.key, k.env]))
    expect(env).toMatchObject({
      'api.port': 'BZZZ_API_PORT',
      'api.host': 'BZZZ_API_HOST',
      logLevel: 'BZZZ_LOG_LEVEL',
      bootstrap: 'BZZZ_BOOTSTRAP',
      mdns: 'BZZZ_MDNS',
      'cache.ttlSeconds': 'BZZZ_CACHE_TTL_SECONDS',
      'rateLimits.decisionsPerMinute': 'BZZZ_RATE_LIMITS_DECISIONS_PER_MINUTE',
      'election.heartbeatMs': 'BZZZ_ELECTION_HEARTBEAT_MS',
    })
    expect(new Set(Object.values(env)).size).toBe(CONFIG_KEYS.length)
  })

  it('parses lists, booleans and numbers; empty means unset; unknown BZZZ_ names are reported', () => {
    const { layer, unknown } = configFromEnv({
      BZZZ_BOOTSTRAP: ' /ip4/10.0.0.1/tcp/4001 , /dns4/seed.example/tcp/4001 ,',
      BZZZ_MDNS: 'off',
      BZZZ_RELAY: 'YES',
      BZZZ_API_PORT: '7450',
      BZZZ_LOG_LEVEL: 'debug',
      BZZZ_LISTEN: '["/ip4/0.0.0.0/tcp/4001"]',
      BZZZ_REPLICAS: '',
      BZZZ_API_PROT: '1',
      BZZZ_DATA_DIR: '/x',
      PATH: '/bin',
    })
    expect(layer).toEqual({
      bootstrap: ['/ip4/10.0.0.1/tcp/4001', '/dns4/seed.example/tcp/4001'],
      mdns: false,
      relay: true,
      api: { port: 7450 },
      logLevel: 'debug',
      listen: ['/ip4/0.0.0.0/tcp/4001'],
    })
    expect(unknown).toEqual(['BZZZ_API_PROT'])
  })

  it('names the variable when its text is not of the setting type', () => {
    expect(() => configFromEnv({ BZZZ_API_PORT: '74x' })).toThrow("invalid environment variable BZZZ_API_PORT (api.port): '74x' is not a number")
    expect(() => configFromEnv({ BZZZ_MDNS: 'maybe' })).toThrow(/BZZZ_MDNS \(mdns\): 'maybe' is not a boolean/)
    expect(() => configFromEnv({ BZZZ_LISTEN: '[oops' })).toThrow(/BZZZ_LISTEN .*not a JSON array/)
  })
})

describe('loading the layers', () => {
  it('takes the file, then the environment, then flags (flags win), merging nested settings', async () => {
    await writeConfig({ api: { host: '0.0.0.0', port: 1000 }, cache: { entries: 10 }, logLevel: 'warn', replicas: 5 })
    const { config, overrides } = await loadConfig({
      dataDir: dir,
      env: { BZZZ_API_PORT: '2000', BZZZ_LOG_LEVEL: 'error', BZZZ_REPLICAS: '4' },
      flags: { logLevel: 'debug' },
    })
    expect(config.api).toEqual({ host: '0.0.0.0', port: 2000 })
    expect(config.cache).toEqual({ entries: 10, ttlSeconds: 300 })
    expect(config.logLevel).toBe('debug')
    expect(config.replicas).toBe(4)
    expect(overrides).toEqual({ api: { port: 2000 }, logLevel: 'debug', replicas: 4 })
  })

  it('uses the defaults without a file or variables', async () => {
    expect((await loadConfig({ dataDir: dir })).config).toEqual(configSchema.parse({}))
  })

  it("puts the host's defaults under the file (the desktop app asks before releasing a share)", async () => {
    const defaults = { custody: { policy: 'ask' as const } }
    expect((await loadConfig({ dataDir: dir, defaults })).config.custody.policy).toBe('ask')
    await writeFile(join(dir, 'config.json'), JSON.stringify({ custody: { policy: 'auto' } }))
    expect((await loadConfig({ dataDir: dir, defaults })).config.custody.policy).toBe('auto')
  })

  it('refuses a bad value with one line naming its source, key and reason', async () => {
    await writeConfig({ cache: { entries: -1 } })
    await expect(loadConfig({ dataDir: dir })).rejects.toThrow(`invalid ${file()}: cache.entries: Too small: expected number to be >=0; the peer was not started`)
    await writeConfig({ cache: { entries: 1 }, colour: 'blue' })
    await expect(loadConfig({ dataDir: dir })).rejects.toThrow(`invalid ${file()}: colour: unknown setting`)
    await writeConfig({})
    await expect(loadConfig({ dataDir: dir, env: { BZZZ_API_PORT: '70000' } })).rejects.toThrow(/^invalid environment variable BZZZ_API_PORT: api\.port: Too big/)
    await expect(loadConfig({ dataDir: dir, env: { BZZZ_LOG_LEVEL: 'loud' } })).rejects.toThrow(/^invalid environment variable BZZZ_LOG_LEVEL: logLevel: Invalid option/)
    await expect(loadConfig({ dataDir: dir, flags: { listen: ['tcp:4001'] } })).rejects.toThrow(/^invalid flag: listen\.0: expected a multiaddr/)
    await writeConfig('{ "cache": ')
    await expect(loadConfig({ dataDir: dir })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('not valid JSON') })
    await writeConfig('[1]')
    await expect(loadConfig({ dataDir: dir })).rejects.toThrow(/expected a JSON object of settings/)
  })
})

describe('changing one key in the file', () => {
  it('writes the validated file and restores a default with null', async () => {
    await writeConfig({ logLevel: 'warn' })
    const r = await setConfigFileKey(dir, 'cache.entries', 42)
    expect(r.config.cache.entries).toBe(42)
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({ logLevel: 'warn', cache: { entries: 42 } })
    await setConfigFileKey(dir, 'rateLimits', { adminPerMinute: 5 })
    await setConfigFileKey(dir, 'cache.entries', null)
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({ logLevel: 'warn', rateLimits: { adminPerMinute: 5 } })
  })

  it('writes nothing for an invalid value or an unknown key, and says which key and why', async () => {
    await writeConfig({ logLevel: 'warn' })
    const before = await readFile(file(), 'utf8')
    await expect(setConfigFileKey(dir, 'cache.entries', 'lots')).rejects.toThrow('invalid value for cache.entries: Invalid input: expected number, received string; nothing was written')
    await expect(setConfigFileKey(dir, 'bootstrap', ['not-an-address'])).rejects.toThrow(/invalid value for bootstrap\.0: expected a multiaddr/)
    await expect(setConfigFileKey(dir, 'cache.size', 1)).rejects.toThrow(/unknown setting 'cache.size'; the settings are listen, .*cache\.entries/)
    expect(await readFile(file(), 'utf8')).toBe(before)
    await writeConfig({ replicas: 99 })
    await expect(setConfigFileKey(dir, 'logLevel', 'debug')).rejects.toThrow(/is already invalid at replicas: .*fix that first; nothing was written/)
  })

  it('on a stopped peer reports what changed', async () => {
    const change = await setConfigOffline(dir, 'api.port', 7450)
    expect(change).toMatchObject({ key: 'api.port', changed: ['api.port'], restartRequired: [], overridden: false })
    expect(change.config.api).toEqual({ host: '127.0.0.1', port: 7450 })
  })

  it('parses command-line values as JSON when they are JSON', () => {
    expect(parseCliValue('500')).toBe(500)
    expect(parseCliValue('false')).toBe(false)
    expect(parseCliValue('["/ip4/1.2.3.4/tcp/1"]')).toEqual(['/ip4/1.2.3.4/tcp/1'])
    expect(parseCliValue('debug')).toBe('debug')
    expect(parseCliValue('127.0.0.1')).toBe('127.0.0.1')
    expect(parseKey(' cache ')).toEqual(['cache'])
  })
})

describe('ConfigManager', () => {
  it('applies runtime keys, lists the ones that need a restart, and reports overridden keys', async () => {
    const config = configSchema.parse({ listen: ['/ip4/127.0.0.1/tcp/0'] })
    const manager = new ConfigManager({ dataDir: dir, config, overrides: { listen: ['/ip4/127.0.0.1/tcp/0'] } })
    const seen: string[] = []
    manager.onChange((c) => seen.push(c.key))
    const cache = await manager.set('cache.entries', 5)
    expect(cache).toMatchObject({ key: 'cache.entries', changed: ['cache.entries'], restartRequired: [], overridden: false })
    expect(manager.current.cache.entries).toBe(5)
    const api = await manager.set('api', { host: '0.0.0.0', port: 7450 })
    expect(api.restartRequired).toEqual(['api.host', 'api.port'])
    expect(manager.get('api.port')).toBe(7450)
    const listen = await manager.set('listen', ['/ip4/0.0.0.0/tcp/4001'])
    expect(listen).toMatchObject({ overridden: true, changed: [], restartRequired: [] })
    expect(manager.current.listen).toEqual(['/ip4/127.0.0.1/tcp/0'])
    const reset = await manager.set('cache.entries', null)
    expect(reset.config.cache.entries).toBe(1000)
    expect(seen).toEqual(['cache.entries', 'api', 'listen', 'cache.entries'])
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({ api: { host: '0.0.0.0', port: 7450 }, listen: ['/ip4/0.0.0.0/tcp/4001'] })
  })

  it('serializes concurrent changes so none is lost, and keeps the old config when one fails', async () => {
    const manager = new ConfigManager({ dataDir: dir, config: configSchema.parse({}) })
    const results = await Promise.allSettled([manager.set('replicas', 4), manager.set('logLevel', 'debug'), manager.set('replicas', 0), manager.set('cache.ttlSeconds', 60)])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({ replicas: 4, logLevel: 'debug', cache: { ttlSeconds: 60 } })
    expect(manager.current).toMatchObject({ replicas: 4, logLevel: 'debug', cache: { entries: 1000, ttlSeconds: 60 } })
  })
})
