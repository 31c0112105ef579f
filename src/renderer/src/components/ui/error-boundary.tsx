import { Component, type ErrorInfo, type ReactNode } from 'react'
import { TriangleAlert } from 'lucide-react'

interface State {
  error: Error | null
}

/**
 * Catches a screen's render error and shows what happened with a way back, instead of a
 * blank window. `resetKey` (the route) clears the error when the user navigates away.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, State> {
  override state: State = { error: null }

  static getDerivedStateFromError(error: Error): State {
    return { error }
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Console screen failed:', error, info.componentStack)
  }

  override componentDidUpdate(prev: { resetKey?: string }): void {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null })
  }

  override render() {
    if (!this.state.error) return this.props.children
    return (
      <div
        role="alert"
        className="m-8 flex max-w-xl flex-col gap-3 rounded-lg border border-line bg-surface p-6"
      >
        <div className="flex items-center gap-2 text-danger">
          <TriangleAlert aria-hidden="true" size={18} />
          <h2 className="font-semibold">This screen ran into a problem</h2>
        </div>
        <p className="text-sm text-muted">{this.state.error.message}</p>
        <p className="text-sm text-muted">
          Your data is safe on the server. Try again, or go to another screen.
        </p>
        <div>
          <button
            type="button"
            className="rounded-md border border-line px-3 py-1.5 text-sm hover:bg-surface-2"
            onClick={() => this.setState({ error: null })}
          >
            Try again
          </button>
        </div>
      </div>
    )
  }
}
