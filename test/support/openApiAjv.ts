import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export interface OpenApiAjv {
  /** Whether `value` is valid by the schema at `pointer` (a request body or a response: its JSON content's schema). */
  check(pointer: string, value: unknown): boolean;
  /** Ajv's errors for `value`, empty when it is valid: for a failure message. */
  errors(pointer: string, value: unknown): string[];
}

/**
 * A JSON Schema 2020-12 validator (OpenAPI 3.1's dialect) over a whole OpenAPI document:
 * pointers such as `#/paths/~1uploads/post/responses/201` name what to validate against, and
 * `$ref`s to `#/components/schemas/...` resolve inside the same document.
 */
export function openApiAjv(document: object): OpenApiAjv {
  // OpenAPI's own keywords (paths, responses, ...) are not JSON Schema: strict mode would refuse them.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  function validator(pointer: string) {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi.json${pointer}/content/application~1json/schema` });
      compiled.set(pointer, validate);
    }
    return validate;
  }
  return {
    check: (pointer, value) => validator(pointer)(value) === true,
    errors: (pointer, value) => {
      const validate = validator(pointer);
      return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
    },
  };
}
