// What only the desktop app adds to the contract: its own settings calls (answered by the Electron main process,
// never by a core handler, never over HTTP) and the shell's messages to the renderer (navigation asked for by a
// tray menu item or a notification), delivered through the same `on` as the peer's events.
// A browser transport answers desktop calls with 'unavailable' and never emits shell messages.
import { z } from 'zod'

export const THEMES = ['system', 'light', 'dark'] as const
export const themeSchema = z.enum(THEMES)
export type Theme = z.infer<typeof themeSchema>

/** The desktop settings the renderer may read and change. The remembered key itself never leaves the main process. */
export const desktopSettingsSchema = z.object({
  launchAtLogin: z.boolean(),
  theme: themeSchema,
  /** Unlock the vault at start-up with the key kept encrypted by the OS keychain (safeStorage). */
  rememberUnlock: z.boolean(),
  /** False where the OS offers no real keychain (e.g. Linux with only Electron's plain-text backend). */
  rememberUnlockAvailable: z.boolean(),
  /** Why remembering is unavailable, in words for the user. */
  rememberUnlockUnavailableReason: z.string().optional(),
})
export type DesktopSettings = z.infer<typeof desktopSettingsSchema>

const empty = z.object({}).strict()

export const desktopCalls = {
  'desktop.settings.get': {
    summary: "The desktop app's settings (launch at login, theme, remembered unlock)",
    input: empty,
    output: desktopSettingsSchema,
  },
  'desktop.settings.set': {
    summary: 'Change desktop settings; remembering the unlock is refused, with the reason, where the OS has no keychain',
    input: z.object({ launchAtLogin: z.boolean().optional(), theme: themeSchema.optional(), rememberUnlock: z.boolean().optional() }).strict(),
    output: desktopSettingsSchema,
  },
} satisfies Record<string, { summary: string; input: z.ZodType; output: z.ZodType }>

export type DesktopCalls = typeof desktopCalls
export type DesktopCallName = keyof DesktopCalls
export type DesktopCallInput<N extends DesktopCallName> = z.input<DesktopCalls[N]['input']>
export type DesktopCallArgs<N extends DesktopCallName> = z.output<DesktopCalls[N]['input']>
export type DesktopCallOutput<N extends DesktopCallName> = z.output<DesktopCalls[N]['output']>

export const DESKTOP_CALL_NAMES = Object.keys(desktopCalls) as DesktopCallName[]

export function isDesktopCallName(name: unknown): name is DesktopCallName {
  return typeof name === 'string' && Object.hasOwn(desktopCalls, name)
}

/** Screens the shell may ask the renderer to show (a notification or tray item was clicked). */
export const SCREENS = ['decisions', 'publish', 'peers', 'elections', 'custody', 'settings'] as const
export const screenSchema = z.enum(SCREENS)
export type Screen = z.infer<typeof screenSchema>

export const navigateSchema = z.object({ screen: screenSchema, /** e.g. the custody request to show */ id: z.string().optional() }).strict()
export type NavigateTarget = z.infer<typeof navigateSchema>

/** A message from the desktop shell itself, not from the peer; its `type` never collides with an event name. */
export type ShellMessage = { type: 'app.navigate'; at: number; payload: NavigateTarget }

export function navigateMessage(target: NavigateTarget, at = Date.now()): ShellMessage {
  return { type: 'app.navigate', at, payload: target }
}
