import type { SchemaObject } from 'ajv';

/**
 * JSON Schema of the part of the Open Data Contract Standard v3.1 that StoreFlow reads, written
 * from the standard's documented fields (docs/contracts.md lists them). Every object admits
 * fields it does not name: a contract may carry any other ODCS section (team, servers, sla,
 * price, ...), which StoreFlow accepts and ignores, so one file serves every ODCS-aware tool.
 */

const NAME = { type: 'string', pattern: '^[a-z][a-z0-9_]*$' };
const CODE_PATTERN = '^[A-Z][A-Z0-9_]*$';

const customProperties: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    required: ['property', 'value'],
    properties: { property: { type: 'string', minLength: 1 } },
  },
};

const qualityRule: SchemaObject = {
  type: 'object',
  properties: {
    type: { enum: ['library', 'custom', 'sql', 'text'] },
    name: { type: 'string' },
    description: { type: 'string' },
    metric: { type: 'string' },
    rule: { type: 'string' },
    arguments: { type: 'object' },
    engine: { type: 'string' },
    implementation: { type: ['string', 'object'] },
    mustBe: {},
    customProperties,
  },
};

const relationship: SchemaObject = {
  type: 'object',
  required: ['to'],
  properties: {
    type: { const: 'foreignKey' },
    from: { type: 'string' },
    to: { type: 'string', pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$' },
    customProperties,
  },
};

const property: SchemaObject = {
  type: 'object',
  required: ['name', 'logicalType'],
  properties: {
    name: NAME,
    physicalName: { type: 'string', minLength: 1 },
    logicalType: { enum: ['string', 'integer', 'number', 'date', 'timestamp'] },
    physicalType: { type: 'string' },
    description: { type: 'string' },
    required: { type: 'boolean' },
    unique: { type: 'boolean' },
    primaryKey: { type: 'boolean' },
    logicalTypeOptions: {
      type: 'object',
      properties: {
        minimum: { type: 'number' },
        maximum: { type: 'number' },
        exclusiveMinimum: { type: 'number' },
        exclusiveMaximum: { type: 'number' },
        multipleOf: { type: 'number', exclusiveMinimum: 0 },
        pattern: { type: 'string' },
        format: { type: 'string' },
        minLength: { type: 'integer', minimum: 0 },
        maxLength: { type: 'integer', minimum: 0 },
      },
    },
    quality: { type: 'array', items: qualityRule },
    relationships: { type: 'array', items: relationship },
    customProperties,
  },
};

/**
 * The schema `compileContractSet` checks a parsed contract against, with every error at once.
 * `contracts/odcs-subset.schema.json` is the same schema for editors and other tools (a test keeps
 * the two equal); the shipped contracts name it in a `yaml-language-server` comment.
 */
export const ODCS_SUBSET_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['apiVersion', 'kind', 'id', 'version', 'schema'],
  properties: {
    apiVersion: { enum: ['v3.0.0', 'v3.0.1', 'v3.0.2', 'v3.1.0'] },
    kind: { const: 'DataContract' },
    id: { type: 'string', minLength: 1 },
    version: { type: 'string', minLength: 1 },
    status: { type: 'string' },
    name: { type: 'string' },
    schema: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'properties'],
        properties: {
          name: NAME,
          physicalName: { type: 'string', minLength: 1 },
          logicalType: { const: 'object' },
          description: { type: 'string' },
          properties: { type: 'array', minItems: 1, items: property },
          quality: { type: 'array', items: qualityRule },
          relationships: { type: 'array', items: relationship },
          customProperties,
        },
      },
    },
    customProperties,
  },
};

/** Issue codes a contract declares: upper case letters, digits and underscores. */
export const DECLARED_CODE_PATTERN = new RegExp(CODE_PATTERN);
