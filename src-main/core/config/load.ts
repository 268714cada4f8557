// Where the peer's configuration file lives. Reading, layering (file, BZZZ_* environment, flags) and validating it is
// the config manager's job (manager.ts); an invalid value names the key and the reason, and the peer does not start
// half-configured.
export const CONFIG_FILE = 'config.json'
