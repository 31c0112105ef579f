/**
 * A customer's page lives under the Customers & orders screen: `#/customers/customer-<id>`
 * (the other params there are its tabs).
 */
const PREFIX = 'customer-'

export function customerParam(id: string): string {
  return `${PREFIX}${id}`
}

/** The customer id in a Customers & orders param, or null for a tab. */
export function customerIdOf(param: string | undefined): string | null {
  return param?.startsWith(PREFIX) ? param.slice(PREFIX.length) : null
}
