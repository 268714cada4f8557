// A screen's heading. It takes focus when the screen opens, so keyboard and screen-reader users land on the new
// content instead of staying on the navigation button.
import { useEffect, useRef, type ReactNode } from 'react'

export function ScreenHeader({ title, children, focus = true }: { title: string; children?: ReactNode; focus?: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (focus) ref.current?.focus({ preventScroll: true })
  }, [focus])
  return (
    <div className="screen-header">
      <h1 ref={ref} tabIndex={-1}>
        {title}
      </h1>
      {children !== undefined && <div className="screen-actions">{children}</div>}
    </div>
  )
}
