// Drives Confluent's own JavaScript Schema Registry client (@confluentinc/schemaregistry, pinned in package.json)
// the way its users do, for ConfluentJavaScriptClientIT. Usage:
//   node interop.js REGISTRY_URL api SUBJECT              registry API calls; prints what the client returned
//   node interop.js REGISTRY_URL serialize TOPIC          registers the schema under TOPIC-value, then writes with the
//                                                         Avro serde and the subject's latest schema; prints base64
//   node interop.js REGISTRY_URL deserialize TOPIC B64... Avro serde; prints the decoded values
// Everything printed is one JSON document on stdout; any failure exits non-zero with the client's message.
'use strict';
// The package's own modules, not its index: the index also loads every KMS driver (AWS, Azure, GCP, Vault) of its
// encryption rules, which takes three times as long to start on a loaded machine; the classes are the same.
const { SchemaRegistryClient } = require('@confluentinc/schemaregistry/dist/schemaregistry-client');
const { AvroSerializer, AvroDeserializer } = require('@confluentinc/schemaregistry/dist/serde/avro');
const { SerdeType } = require('@confluentinc/schemaregistry/dist/serde/serde');

const [url, command, ...args] = process.argv.slice(2);
const client = new SchemaRegistryClient({ baseURLs: [url] });

const ORDER_V1 = {
  type: 'record', name: 'Order', namespace: 'io.sluice.interop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'item', type: 'string' },
    { name: 'price', type: 'double' },
    { name: 'qty', type: 'int' },
    { name: 'gift', type: 'boolean' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'size', type: { type: 'enum', name: 'Size', symbols: ['S', 'M', 'L'] } },
    {
      name: 'address',
      type: {
        type: 'record', name: 'Address',
        fields: [{ name: 'city', type: 'string' }, { name: 'zip', type: ['null', 'string'], default: null }],
      },
    },
  ],
};
// BACKWARD compatible: a new optional field with a default
const ORDER_V2 = { ...ORDER_V1, fields: [...ORDER_V1.fields, { name: 'note', type: ['null', 'string'], default: null }] };
// not BACKWARD compatible: a new required field without a default
const ORDER_BAD = { ...ORDER_V1, fields: [...ORDER_V1.fields, { name: 'batch', type: 'string' }] };

const avro = (schema) => ({ schemaType: 'AVRO', schema: JSON.stringify(schema) });

async function api(subject) {
  const out = {};
  out.id1 = await client.register(subject, avro(ORDER_V1));
  out.id1Again = await client.register(subject, avro(ORDER_V1));
  out.compatibleV2 = await client.testSubjectCompatibility(subject, avro(ORDER_V2));
  out.compatibleBad = await client.testCompatibility(subject, 1, avro(ORDER_BAD));
  out.id2 = await client.register(subject, avro(ORDER_V2));
  const latest = await client.getLatestSchemaMetadata(subject);
  out.latest = { id: latest.id, version: latest.version, subject: latest.subject, schema: JSON.parse(latest.schema) };
  const byId = await client.getBySubjectAndId(subject, out.id1);
  out.byId1 = { schemaType: byId.schemaType ?? null, schema: JSON.parse(byId.schema) };
  const v1 = await client.getSchemaMetadata(subject, 1);
  out.version1 = { id: v1.id, version: v1.version };
  out.versions = await client.getAllVersions(subject);
  out.versionOfV2 = await client.getVersion(subject, avro(ORDER_V2));
  out.subjects = await client.getAllSubjects();
  out.defaultCompatibility = await client.getDefaultCompatibility();
  out.setCompatibility = await client.updateCompatibility(subject, 'FULL');
  out.subjectCompatibility = await client.getCompatibility(subject);
  out.subjectConfig = await client.updateConfig(subject, { compatibilityLevel: 'BACKWARD_TRANSITIVE' });
  out.readSubjectConfig = await client.getConfig(subject);
  out.defaultConfig = await client.getDefaultConfig();
  try {
    await client.register(subject, avro(ORDER_BAD));
    out.refused = null;
  } catch (e) {
    out.refused = { status: e.status, errorCode: e.errorCode, message: e.message };
  }
  try {
    await client.getLatestSchemaMetadata('no-such-subject');
    out.missing = null;
  } catch (e) {
    out.missing = { status: e.status, errorCode: e.errorCode };
  }
  return out;
}

const ORDERS = [
  { id: 1, item: 'apple', price: 1.5, qty: 3, gift: false, tags: ['fruit', 'red'], size: 'S',
    address: { city: 'Lima', zip: null }, note: null },
  { id: 2, item: 'pear, ripe "green"', price: 2.25, qty: 12, gift: true, tags: [], size: 'L',
    address: { city: 'Zürich', zip: '8001' }, note: 'leave at the door' },
];

async function serialize(topic) {
  // the way Confluent documents producing with a schema registered beforehand
  await client.register(`${topic}-value`, avro(ORDER_V2));
  const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
  const out = [];
  for (const order of ORDERS) {
    out.push((await serializer.serialize(topic, order)).toString('base64'));
  }
  return out;
}

async function deserialize(topic, encoded) {
  const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
  const out = [];
  for (const b64 of encoded) {
    out.push(await deserializer.deserialize(topic, Buffer.from(b64, 'base64')));
  }
  return out;
}

const commands = { api: () => api(args[0]), serialize: () => serialize(args[0]), deserialize: () => deserialize(args[0], args.slice(1)) };

(async () => {
  if (!commands[command]) {
    throw new Error(`unknown command ${command}: api, serialize or deserialize`);
  }
  const result = await commands[command]();
  process.stdout.write(JSON.stringify(result, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
})().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
}).finally(() => client.close());
