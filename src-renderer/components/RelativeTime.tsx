import { fullDate, relative } from '../format/time.ts'
import { useNow } from './useNow.ts'

/** "3 min ago", kept fresh, with the full date as a tooltip and machine-readable datetime. */
export function RelativeTime({ at }: { at: number }) {
  const now = useNow(15_000)
  return (
    <time dateTime={new Date(at).toISOString()} title={fullDate(at)}>
      {relative(at, now)}
    </time>
  )
}
