// A browser without the peer's token: how to get the link. And the page for a token the peer refused.
export function NoToken({ origin }: { origin: string }) {
  return (
    <main className="center-screen">
      <div className="card narrow">
        <h1 className="brand-title">BZZZ</h1>
        <h2>Open this page from your peer's link</h2>
        <p>
          This page talks to a BZZZ peer on this machine and needs the peer's API token. The token travels only in the
          link's <code>#token=…</code> part, which your browser never sends to a server.
        </p>
        <ul className="steps">
          <li>
            <strong>npm start</strong> prints the full link, e.g. <code>{origin}/#token=…</code>. Open that.
          </li>
          <li>
            With <strong>bzzz peer</strong> running, the token is in <code>DATA_DIR/api-token</code> (by default{' '}
            <code>~/.bzzz/api-token</code>): open <code>{origin}/#token=</code> followed by its contents.
          </li>
        </ul>
        <p className="muted">The token is kept for this tab only and removed from the address bar once read.</p>
      </div>
    </main>
  )
}

export function TokenRefused({ onForget }: { onForget?: () => void }) {
  return (
    <main className="center-screen">
      <div className="card narrow" role="alert">
        <h1 className="brand-title">BZZZ</h1>
        <h2>The peer refused this page's token</h2>
        <p>
          The token from your link does not match the peer's (the peer may run from another data directory, or its
          token was replaced). Open the link the peer printed most recently.
        </p>
        {onForget !== undefined && (
          <button type="button" className="btn btn-primary" onClick={onForget}>
            Forget this token
          </button>
        )}
      </div>
    </main>
  )
}
