// After publishing: where it lives and how many peers hold a replica.
import type { CallOutput } from '../../../src-shared/contract/calls.ts'
import { useConfig } from '../../api/queries.ts'
import { Icon } from '../../components/Icon.tsx'
import { useUi } from '../../state/ui-store.ts'

export function PublishResult({ result, onAnother }: { result: CallOutput<'decisions.publish'>; onAnother: () => void }) {
  const navigate = useUi((s) => s.navigate)
  const config = useConfig()
  const target = config.data?.replicas
  const short = target !== undefined && result.replicas < target
  return (
    <div className="card publish-result" role="status">
      <h2>
        <Icon name="check" /> Published
      </h2>
      <p>
        Signed, encrypted and stored on{' '}
        <strong data-testid="replicas">
          {result.replicas} {result.replicas === 1 ? 'replica' : 'replicas'}
        </strong>
        {target !== undefined && ` of ${target} wanted`}.
      </p>
      {short && <p className="muted">Fewer peers than wanted are online; the peer republishes as others join.</p>}
      <p className="mono break">{result.address}</p>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" onClick={() => navigate({ screen: 'decisions', address: result.address })}>
          Open it
        </button>
        <button type="button" className="btn" onClick={onAnother}>
          Publish another
        </button>
      </div>
    </div>
  )
}
