import type * as z from 'zod';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
};

const defOf = (schema: z.ZodType): Def => schema._zod.def as unknown as Def;

/**
 * The value with its object keys in the order the schema declares them (any others after, as they
 * were). DynamoDB gives a map's attributes back in no particular order; a client reading the answer —
 * and a README showing it — should see the same order every time.
 */
export function inSchemaOrder<T>(schema: z.ZodType, value: T): T {
  const def = defOf(schema);
  if (value === null || value === undefined) return value;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return def.innerType ? inSchemaOrder(def.innerType, value) : value;
    case 'array':
      return Array.isArray(value) && def.element
        ? (value.map((item) => inSchemaOrder(def.element as z.ZodType, item)) as T)
        : value;
    case 'union': {
      if (!def.discriminator || typeof value !== 'object') return value;
      const tag = (value as Record<string, unknown>)[def.discriminator];
      const option = def.options?.find((o) => {
        const literal = defOf(o).shape?.[def.discriminator as string];
        return literal !== undefined && (literal._zod.def as { values?: unknown[] }).values?.includes(tag);
      });
      return option ? inSchemaOrder(option, value) : value;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value) || !def.shape) return value;
      const source = value as Record<string, unknown>;
      const ordered: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape))
        if (key in source) ordered[key] = inSchemaOrder(field, source[key]);
      for (const [key, item] of Object.entries(source)) if (!(key in ordered)) ordered[key] = item;
      return ordered as T;
    }
    default:
      return value;
  }
}
