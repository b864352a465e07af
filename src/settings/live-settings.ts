// The settings running components read, instead of numbers captured at start. A console change
// to a "live" setting is seen by the next request or timer tick; a "restart" setting keeps its
// start-up value in `config` until the next start, and `pendingRestart()` names it meanwhile.
import {
  CONSOLE_SETTING_KEYS,
  type Config,
  type ConfigLayers,
  type ConsoleSettingKey,
  type ResolvedConfig,
  type SettingKey,
  type Source,
  resolveConfig,
  settingSpec,
} from "../config";
import { type StoredSetting, type StoredSettings, storedValues } from "./stored-settings";

export class LiveSettings {
  private resolved: ResolvedConfig;
  private running: Config;
  private readonly startedWith: Config;
  private readonly listeners: ((config: Config) => void)[] = [];

  constructor(
    /** Flags, environment and config file as read at start; the console's values go between them. */
    readonly layers: ConfigLayers,
    private stored: StoredSettings,
  ) {
    this.resolved = resolveConfig(layers, storedValues(stored));
    this.running = this.resolved.config;
    this.startedWith = this.running;
  }

  /** What the running server uses now. */
  get config(): Config {
    return this.running;
  }

  /** What the settings ask for: `config` plus restart settings changed since the start. */
  get desired(): Config {
    return this.resolved.config;
  }

  get sources(): Record<SettingKey, Source> {
    return this.resolved.sources;
  }

  /** Stored values that were left out because they no longer fit, with the reason. */
  get ignored(): ResolvedConfig["ignored"] {
    return this.resolved.ignored;
  }

  storedSetting(key: SettingKey): StoredSetting | undefined {
    return this.stored.get(key);
  }

  storedValues() {
    return storedValues(this.stored);
  }

  /** Restart settings whose wanted value differs from the one the server started with. */
  pendingRestart(): ConsoleSettingKey[] {
    return CONSOLE_SETTING_KEYS.filter(
      (key) => settingSpec(key).console === "restart" && JSON.stringify(this.desired[key]) !== JSON.stringify(this.startedWith[key]),
    );
  }

  /** After the console saved: live settings change at once, restart ones wait for the next start. */
  replaceStored(stored: StoredSettings): void {
    this.stored = stored;
    this.resolved = resolveConfig(this.layers, storedValues(stored));
    const next: Record<string, unknown> = { ...this.running };
    for (const key of CONSOLE_SETTING_KEYS) {
      if (settingSpec(key).console === "live") next[key] = this.resolved.config[key];
    }
    this.running = next as Config;
    for (const listener of this.listeners) listener(this.running);
  }

  /** For the few things that must be told rather than read (the log level). */
  onChange(listener: (config: Config) => void): void {
    this.listeners.push(listener);
  }
}
