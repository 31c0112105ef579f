import { Hourglass } from 'lucide-react'
import { Card } from '../components/ui/card'
import { EmptyState } from '../components/ui/empty'
import { Page, PageHeader } from '../components/ui/page'

/** A screen whose feature is not part of this build yet: says so instead of showing nothing. */
export function PlaceholderScreen({ title, feature }: { title: string; feature: string }) {
  return (
    <Page>
      <PageHeader title={title} />
      <Card>
        <EmptyState icon={Hourglass} title={`${title} arrives with ${feature}`}>
          This screen is reserved in the console. It fills in when this installation's server
          provides {feature}; everything else keeps working meanwhile.
        </EmptyState>
      </Card>
    </Page>
  )
}
