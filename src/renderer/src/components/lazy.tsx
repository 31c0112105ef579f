import { Suspense, lazy, type ComponentType } from 'react'
import { SkeletonRows } from './ui/skeleton'

/**
 * A component whose code is fetched the first time it renders, with skeleton rows meanwhile.
 * The screens that draw charts come through here (navigation.tsx), so recharts and its d3
 * dependencies are a chunk of their own, loaded with the first chart screen, not part of the
 * bundle every window starts with.
 */
export function lazyComponent<P extends object>(
  load: () => Promise<ComponentType<P>>,
): ComponentType<P> {
  const Lazy = lazy(async () => ({ default: await load() }))
  return function LazyComponent(props: P) {
    return (
      <Suspense fallback={<SkeletonRows rows={6} />}>
        <Lazy {...props} />
      </Suspense>
    )
  }
}
