// Markdown from decisions, rendered safely: no raw HTML (shown as text, never parsed), no remote or inline images
// (a placeholder with the address as a link instead), links only with safe schemes (ucxl:// opens the decision in
// the app), and Mermaid blocks shown as source with a note (no diagram renderer that runs under our CSP is bundled).
import type { ComponentProps } from 'react'
import Markdown, { defaultUrlTransform, type Components, type ExtraProps } from 'react-markdown'
import remarkGfm from 'remark-gfm'
import { parseAddress } from '../../src-shared/ucxl.ts'
import { useUi } from '../state/ui-store.ts'
import { Icon } from './Icon.tsx'

const UCXL = 'ucxl://'

function urlTransform(url: string): string {
  if (url.startsWith(UCXL)) return parseAddress(url).ok ? url : ''
  return defaultUrlTransform(url)
}

function Link({ href, children }: ComponentProps<'a'>) {
  const navigate = useUi((s) => s.navigate)
  if (href === undefined || href === '') return <span className="md-dead-link">{children}</span>
  if (href.startsWith(UCXL)) {
    const address = href.slice(UCXL.length)
    return (
      <a
        href={`/decisions/${address}`}
        onClick={(e) => {
          e.preventDefault()
          navigate({ screen: 'decisions', address })
        }}
      >
        {children}
      </a>
    )
  }
  if (href.startsWith('#')) return <a href={href}>{children}</a>
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="external">
      {children}
    </a>
  )
}

function BlockedImage({ src, alt }: ComponentProps<'img'>) {
  const url = typeof src === 'string' ? src : ''
  return (
    <span className="md-image-blocked" role="img" aria-label={`Image not loaded: ${alt === undefined || alt === '' ? 'no description' : alt}`}>
      <Icon name="image" />
      <span>
        {alt === undefined || alt === '' ? 'Image' : alt} — not loaded (images from decisions are never fetched)
        {/^https?:\/\//.test(url) && (
          <>
            {' · '}
            <a href={url} target="_blank" rel="noopener noreferrer" className="external">
              open the link
            </a>
          </>
        )}
      </span>
    </span>
  )
}

function Code({ className, children, node: _node, ...rest }: ComponentProps<'code'> & ExtraProps) {
  if (className === 'language-mermaid') {
    return (
      <span className="md-mermaid">
        <span className="md-mermaid-note">Mermaid diagram (shown as source)</span>
        <code className={className}>{children}</code>
      </span>
    )
  }
  return (
    <code className={className} {...rest}>
      {children}
    </code>
  )
}

// Headings inside a decision sit below the page's own (h1 screen, h2 decision): shift them down two levels.
const components: Components = {
  a: Link,
  img: BlockedImage,
  code: Code,
  h1: 'h3',
  h2: 'h4',
  h3: 'h5',
  h4: 'h6',
  h5: 'h6',
}

export function SafeMarkdown({ source, className }: { source: string; className?: string }) {
  return (
    <div className={`markdown${className === undefined ? '' : ` ${className}`}`}>
      <Markdown remarkPlugins={[remarkGfm]} components={components} urlTransform={urlTransform}>
        {source}
      </Markdown>
    </div>
  )
}
