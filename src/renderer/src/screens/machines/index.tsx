import { useEffect, useState } from 'react'
import { ChevronLeft, ChevronRight, Cpu } from 'lucide-react'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Card } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Input } from '../../components/ui/input'
import { DataTable } from '../../components/ui/data-table'
import { EmptyState } from '../../components/ui/empty'
import { SkeletonRows } from '../../components/ui/skeleton'
import { fmtNum } from '../../lib/format'
import { machineColumns } from './columns'

/** Every machine bound to any of your licenses: platform, app version, last IP, last seen. */
export function MachinesScreen() {
  const page = useApp((s) => s.machinesPage)
  const error = useApp((s) => s.machinesError)
  const query = useApp((s) => s.machinesQuery)
  const load = useApp((s) => s.loadMachines)
  const show = useApp((s) => s.showLicense)
  const navigate = useApp((s) => s.navigate)
  const [text, setText] = useState(query)
  useEffect(() => {
    void load()
  }, [load])
  // Searches as you type, once typing pauses.
  useEffect(() => {
    if (text === query) return
    const t = setTimeout(() => void load({ q: text }), 250)
    return () => clearTimeout(t)
  }, [text, query, load])
  const pages = page ? Math.max(1, Math.ceil(page.total / page.limit)) : 1
  return (
    <Page>
      <PageHeader
        title="Machines"
        description="Machines bound to your licenses, most recently seen first. Last seen is the later of a machine's last heartbeat and its last validation."
        actions={
          <Input
            type="search"
            aria-label="Search machines"
            placeholder="HWID, key or IP prefix, platform, version"
            className="h-9 w-80"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        }
      />
      <Card className="flex min-h-[360px] flex-1 flex-col overflow-hidden">
        {error ? (
          <p role="alert" className="m-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
            Could not load machines: {error}
          </p>
        ) : !page ? (
          <SkeletonRows rows={8} />
        ) : page.items.length === 0 ? (
          <EmptyState icon={Cpu} title={query ? 'No machines match' : 'No machines yet'}>
            A machine appears here when your app activates a license on it.
          </EmptyState>
        ) : (
          <DataTable
            label="Machines"
            rows={page.items}
            columns={machineColumns}
            rowId={(m) => m.id}
            rowLabel={(m) => `${m.hwid} on ${m.license_key}`}
            offset={(page.page - 1) * page.limit}
            total={page.total}
            onOpen={(m) => {
              navigate('licenses')
              void show(m.license_id)
            }}
          />
        )}
        {page && page.total > 0 && (
          <div className="flex items-center justify-between gap-3 border-t border-line px-4 py-2 text-[13px] text-muted">
            <span aria-live="polite">
              {fmtNum(page.total)} machine{page.total === 1 ? '' : 's'}
            </span>
            <div className="flex items-center gap-2">
              <Button
                size="icon"
                variant="ghost"
                aria-label="Previous page"
                disabled={page.page <= 1}
                onClick={() => void load({ page: page.page - 1 })}
              >
                <ChevronLeft aria-hidden="true" size={16} />
              </Button>
              <span className="tabular-nums">
                Page {fmtNum(page.page)} of {fmtNum(pages)}
              </span>
              <Button
                size="icon"
                variant="ghost"
                aria-label="Next page"
                disabled={page.page >= pages}
                onClick={() => void load({ page: page.page + 1 })}
              >
                <ChevronRight aria-hidden="true" size={16} />
              </Button>
            </div>
          </div>
        )}
      </Card>
    </Page>
  )
}
