import { useEffect, useState } from 'react'

/** The current time, re-rendering every `everyMs` (a UI clock; nothing is fetched). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(t)
  }, [everyMs])
  return now
}
