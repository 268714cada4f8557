// First run: create a network (you become its admin) or join one with an invite code.
import { useState } from 'react'
import { CreateForm } from './CreateForm.tsx'
import { JoinForm } from './JoinForm.tsx'

export function Onboarding() {
  const [mode, setMode] = useState<'create' | 'join'>('create')
  return (
    <main className="center-screen">
      <div className="card onboarding">
        <h1 className="brand-title">Welcome to BZZZ</h1>
        <p className="muted">Your team's architectural decisions, peer to peer and end-to-end encrypted. This peer is not in a network yet.</p>
        <div className="tabs" role="tablist" aria-label="How to start">
          <button type="button" role="tab" id="tab-create" aria-controls="panel-create" aria-selected={mode === 'create'} className={mode === 'create' ? 'tab active' : 'tab'} onClick={() => setMode('create')}>
            Create a network
          </button>
          <button type="button" role="tab" id="tab-join" aria-controls="panel-join" aria-selected={mode === 'join'} className={mode === 'join' ? 'tab active' : 'tab'} onClick={() => setMode('join')}>
            Join with an invite
          </button>
        </div>
        <div role="tabpanel" id={`panel-${mode}`} aria-labelledby={`tab-${mode}`}>
          {mode === 'create' ? <CreateForm /> : <JoinForm />}
        </div>
      </div>
    </main>
  )
}
