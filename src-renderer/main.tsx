// Entry: the Electron bridge when the preload provided one; otherwise the peer's WebSocket with the token from the
// link (#token=...), or a page explaining how to get that link.
import { StrictMode } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { App } from './App.tsx'
import { NoToken } from './screens/no-token/NoToken.tsx'
import { forgetToken, takeToken } from './transport/token.ts'
import { ipcTransport } from './transport/transport.ts'
import { createWsTransport, eventsUrl } from './transport/ws-transport.ts'

function browserApp(root: Root): void {
  const token = takeToken({ location: window.location, history: window.history, storage: window.sessionStorage })
  if (token === undefined) {
    root.render(<NoToken origin={window.location.origin} />)
    // Pasting the link into this tab changes only the fragment, which does not reload the page: start over.
    window.addEventListener('hashchange', () => {
      if (/(^#|&)token=/.test(window.location.hash)) window.location.reload()
    })
    return
  }
  const transport = createWsTransport({ url: eventsUrl(window.location), token })
  window.addEventListener('online', () => transport.reconnectNow())
  const onForgetToken = () => {
    transport.close()
    forgetToken(window.sessionStorage)
    root.render(<NoToken origin={window.location.origin} />)
  }
  root.render(
    <StrictMode>
      <App transport={transport} onForgetToken={onForgetToken} />
    </StrictMode>,
  )
}

const element = document.getElementById('root')
if (element !== null) {
  const root = createRoot(element)
  const ipc = ipcTransport()
  if (ipc !== undefined) {
    root.render(
      <StrictMode>
        <App transport={ipc} />
      </StrictMode>,
    )
  } else {
    browserApp(root)
  }
}
