import { useCallback, useState, useSyncExternalStore } from 'react'

/** A value kept in localStorage under `key` (JSON), so a layout choice survives a reload. */
export function useStored<T>(key: string, initial: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key)
      return raw === null ? initial : (JSON.parse(raw) as T)
    } catch {
      return initial
    }
  })
  const set = useCallback(
    (v: T) => {
      setValue(v)
      localStorage.setItem(key, JSON.stringify(v))
    },
    [key],
  )
  return [value, set]
}

/** Whether a CSS media query matches now, re-rendering when it changes. */
export function useMedia(query: string): boolean {
  return useSyncExternalStore(
    (notify) => {
      const mq = window.matchMedia(query)
      mq.addEventListener('change', notify)
      return () => mq.removeEventListener('change', notify)
    },
    () => window.matchMedia(query).matches,
  )
}

/** Below this viewport width, low-priority table columns hide and the sidebar collapses. */
export const WIDE = '(min-width: 1200px)'
