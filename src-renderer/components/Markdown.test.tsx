// @vitest-environment jsdom
// Decision Markdown is rendered safely: raw HTML stays text, images are never loaded, dangerous links are dropped.
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, render } from '@testing-library/react'
import { SafeMarkdown } from './Markdown.tsx'

afterEach(cleanup)

describe('SafeMarkdown', () => {
  it('never creates script, img, iframe or event-handler elements from the source', () => {
    const { container } = render(
      <SafeMarkdown source={'<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n<iframe src="https://evil.example"></iframe>\n\n![diagram](https://cdn.example/x.png)\n\n![inline](data:image/png;base64,AAAA)'} />,
    )
    expect(container.querySelectorAll('script, img, iframe').length).toBe(0)
    expect(container.querySelectorAll('[onerror], [onload], [src]').length).toBe(0)
    expect(container.textContent).toContain('<script>alert(1)</script>')
    const blocked = container.querySelectorAll('.md-image-blocked')
    expect(blocked.length).toBe(2)
    expect(blocked[0]!.querySelector('a')!.getAttribute('href')).toBe('https://cdn.example/x.png')
    expect(blocked[1]!.querySelector('a')).toBeNull()
  })

  it('drops javascript: links and opens web links outside the app', () => {
    const { container } = render(<SafeMarkdown source={'[bad](javascript:alert(1)) [good](https://example.com) [decision](ucxl://bob/architect/p/t/n1)'} />)
    const links = [...container.querySelectorAll('a')]
    expect(links.some((a) => (a.getAttribute('href') ?? '').startsWith('javascript'))).toBe(false)
    const good = links.find((a) => a.textContent === 'good')!
    expect(good.getAttribute('rel')).toBe('noopener noreferrer')
    expect(good.getAttribute('target')).toBe('_blank')
    expect(links.find((a) => a.textContent === 'decision')!.getAttribute('href')).toBe('/decisions/bob/architect/p/t/n1')
  })

  it('renders GFM tables, keeps headings below the page outline, and labels Mermaid source', () => {
    const { container } = render(<SafeMarkdown source={'# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```mermaid\ngraph TD; A-->B\n```'} />)
    expect(container.querySelector('h1')).toBeNull()
    expect(container.querySelector('h3')!.textContent).toBe('Title')
    expect(container.querySelectorAll('td').length).toBe(2)
    expect(container.querySelector('.md-mermaid-note')!.textContent).toMatch(/Mermaid/)
  })
})
