/**
 * The console's screens, in sidebar order. HOW TO ADD A SCREEN:
 *   1. Write `screens/<area>/index.tsx` exporting a component that renders `<Page>` with a
 *      `<PageHeader title=...>` (the page's one h1), using components/ui/* (DataTable, Modal,
 *      Field, Button, EmptyState, SkeletonRows, CopyButton, StatusBadge).
 *   2. Put its data and actions in a zustand slice (`store/slices/<area>.ts`, see store/index.ts):
 *      slice actions call `call('channel', input)` from store/api.ts and wrap user actions in
 *      `act(promise, 'Success message')` for toasts. Components never import the bridge.
 *   3. Destructive actions: `if (await confirm({ title, description, confirmLabel, destructive: true }))`
 *      with `const confirm = useApp((s) => s.confirm)`; the description names the consequence.
 *   4. Replace the placeholder entry below (or add one): id (used in the URL: #/<id>[/<param>]),
 *      label, icon (lucide-react), group, render. The command palette and the sidebar pick it up.
 *   5. Add it to test/e2e/screens.spec.ts's list so it gets screenshots and an axe check.
 */
import {
  Boxes,
  CalendarClock,
  Cpu,
  CreditCard,
  Gauge,
  KeyRound,
  KeySquare,
  Gamepad2,
  MonitorSmartphone,
  Settings,
  ShieldAlert,
  Webhook,
  type LucideIcon,
} from 'lucide-react'
import type { ReactNode } from 'react'
import { lazyComponent } from './components/lazy'
import { ProductsScreen } from './screens/products'
import { LicensesScreen } from './screens/licenses'
import { SettingsScreen } from './screens/settings'
import { ApiKeysScreen } from './screens/api-keys'
import { SessionsScreen } from './screens/sessions'
import { WebhooksScreen } from './screens/webhooks'
import { DevelopersScreen } from './screens/developers'
import { MachinesScreen } from './screens/machines'
import { CustomerScreen } from './screens/customers'
import { customerIdOf } from './screens/customers/route'

// The screens with charts load lazily: recharts stays out of the first bundle.
const DashboardScreen = lazyComponent(() =>
  import('./screens/dashboard').then((m) => m.DashboardScreen),
)
const StoreScreen = lazyComponent(() => import('./screens/store').then((m) => m.StoreScreen))
const SecurityScreen = lazyComponent(() =>
  import('./screens/security').then((m) => m.SecurityScreen),
)

export interface ScreenDef {
  id: string
  label: string
  icon: LucideIcon
  group: 'Overview' | 'Licensing' | 'Commerce' | 'Protection' | 'System'
  /** `param` is the part of the URL after the screen id (#/products/<id>). */
  render(param?: string): ReactNode
  /** `g` then this key jumps here. */
  key?: string
  keywords?: string[]
}

export const SCREENS: ScreenDef[] = [
  {
    id: 'dashboard',
    label: 'Dashboard',
    icon: Gauge,
    group: 'Overview',
    key: 'd',
    render: () => <DashboardScreen />,
  },
  {
    id: 'products',
    label: 'Products',
    icon: Boxes,
    group: 'Licensing',
    key: 'p',
    render: (p) => <ProductsScreen productId={p} />,
  },
  {
    id: 'licenses',
    label: 'Licenses',
    icon: KeyRound,
    group: 'Licensing',
    key: 'l',
    render: () => <LicensesScreen />,
    keywords: ['keys'],
  },
  {
    id: 'expiring',
    label: 'Expiring soon',
    icon: CalendarClock,
    group: 'Licensing',
    render: () => <LicensesScreen preset="expiring" />,
    keywords: ['expiring in 30 days', 'renewals', 'expiry'],
  },
  {
    id: 'machines',
    label: 'Machines',
    icon: Cpu,
    group: 'Licensing',
    key: 'm',
    render: () => <MachinesScreen />,
    keywords: ['devices', 'hwid', 'app version', 'platform'],
  },
  {
    id: 'customers',
    label: 'Customers & orders',
    icon: CreditCard,
    group: 'Commerce',
    key: 'c',
    // `customer-<id>` is one customer's page; any other param is a tab.
    render: (p) => {
      const customer = customerIdOf(p)
      return customer ? <CustomerScreen id={customer} /> : <StoreScreen tab={p} />
    },
    keywords: ['store', 'orders', 'customers', 'analytics', 'auth_secret', 'store_secret'],
  },
  {
    id: 'security',
    label: 'Security',
    icon: ShieldAlert,
    group: 'Protection',
    render: () => <SecurityScreen />,
    keywords: ['blacklist', 'block', 'events'],
  },
  {
    id: 'sessions',
    label: 'Sessions',
    icon: MonitorSmartphone,
    group: 'Protection',
    render: () => <SessionsScreen />,
  },
  {
    id: 'webhooks',
    label: 'Webhooks',
    icon: Webhook,
    group: 'System',
    render: () => <WebhooksScreen />,
  },
  {
    id: 'api-keys',
    label: 'API keys',
    icon: KeySquare,
    group: 'System',
    render: () => <ApiKeysScreen />,
    keywords: ['backend', 'X-API-Key', 'signing', 'HMAC'],
  },
  {
    id: 'developers',
    label: 'Developers',
    icon: Gamepad2,
    group: 'System',
    render: () => <DevelopersScreen />,
    keywords: ['Hi-Rez', 'devId', 'authKey', 'reseller', 'signed URL', 'quota'],
  },
  {
    id: 'settings',
    label: 'Settings',
    icon: Settings,
    group: 'System',
    key: 's',
    render: () => <SettingsScreen />,
  },
]

export function findScreen(id: string): ScreenDef {
  return SCREENS.find((s) => s.id === id) ?? SCREENS[0]
}
