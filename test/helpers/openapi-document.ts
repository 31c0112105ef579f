import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js'

/**
 * Validators for the schemas of a served OpenAPI document: `compile` takes any schema from it
 * (its `#/components/...` references resolve inside the same document), `errorsOf` gives Ajv's
 * own words for what is wrong with a body ([] when it conforms).
 */
export function documentValidators(doc: { components?: unknown }) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true })
  ajv.addSchema({ $id: 'openapi', components: doc.components })
  const compile = (schema: unknown): ValidateFunction =>
    ajv.compile(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')),
    )
  const errorsOf = (validate: ValidateFunction, body: unknown): string[] =>
    validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
  return { compile, errorsOf }
}
