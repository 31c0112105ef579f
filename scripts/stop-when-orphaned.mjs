// npm runs a script through a shell (`sh -c` on POSIX, cmd.exe on Windows) that does not pass
// a signal on: SIGTERM to npm's pid kills that shell and leaves its child running, reparented.
// Process managers signal one pid, so losing the parent is taken as the stop signal: the
// process's own SIGTERM handlers run (a clean shutdown), as if the signal had reached it.
const CHECK_MS = 200

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return e.code === 'EPERM'
  }
}

/** Emits SIGTERM on this process once its parent (npm's shell) is gone. */
export function stopWhenOrphaned() {
  const parent = process.ppid
  const timer = setInterval(() => {
    if (process.ppid === parent && alive(parent)) return
    // Still starting: the server's handlers come once it listens.
    if (process.listenerCount('SIGTERM') === 0) return
    clearInterval(timer)
    process.emit('SIGTERM', 'SIGTERM')
  }, CHECK_MS)
  timer.unref()
}
