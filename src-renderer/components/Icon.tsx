// A few line icons as inline SVG (no icon font, no remote resources). Decorative: hidden from assistive technology.
const PATHS = {
  lock: 'M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5z',
  unlock: 'M7 11V8a5 5 0 0 1 9.6-2M5 11h14v10H5z',
  decisions: 'M5 4h14v16H5zM8 8h8M8 12h8M8 16h5',
  publish: 'M12 19V5M5 12l7-7 7 7',
  peers: 'M6 18a3 3 0 1 0 0-.01M18 18a3 3 0 1 0 0-.01M12 6a3 3 0 1 0 0-.01M8 16l3-7M16 16l-3-7',
  elections: 'M4 20h16M6 20V10M12 20V4M18 20v-7',
  custody: 'M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7z',
  settings: 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM4 12h2M18 12h2M12 4v2M12 18v2M6.3 6.3l1.4 1.4M16.3 16.3l1.4 1.4M6.3 17.7l1.4-1.4M16.3 7.7l1.4-1.4',
  check: 'M5 12l5 5 9-10',
  x: 'M6 6l12 12M18 6L6 18',
  alert: 'M12 4l9 16H3zM12 10v4M12 17v.5',
  link: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  crown: 'M4 18h16M5 16l-1-9 5 4 3-6 3 6 5-4-1 9z',
  image: 'M4 5h16v14H4zM4 15l5-5 4 4 3-3 4 4',
  bell: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0',
} as const

export type IconName = keyof typeof PATHS

export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg className={`icon${className === undefined ? '' : ` ${className}`}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  )
}
