// A Protobuf message for tests and benchmarks, described at run time (applications normally use generated code):
//   message OrderPlaced { string order_id = 1; string customer_id = 2; repeated Line lines = 3; double total = 4;
//                         string currency = 5; string placed_at = 6; string note = 7; }
//   message Line { string sku = 1; int32 quantity = 2; double price = 3; }
import { create, createFileRegistry } from '@bufbuild/protobuf';
import {
  FileDescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as T,
} from '@bufbuild/protobuf/wkt';

const field = (name, number, type, extra = {}) => ({ name, number, type, label: Label.OPTIONAL, jsonName: name, ...extra });

const file = create(FileDescriptorProtoSchema, {
  name: 'streamstore/bench/order.proto',
  package: 'streamstore.bench',
  syntax: 'proto3',
  messageType: [
    {
      name: 'Line',
      field: [field('sku', 1, T.STRING), field('quantity', 2, T.INT32), field('price', 3, T.DOUBLE)],
    },
    {
      name: 'OrderPlaced',
      field: [
        field('order_id', 1, T.STRING, { jsonName: 'orderId' }),
        field('customer_id', 2, T.STRING, { jsonName: 'customerId' }),
        field('lines', 3, T.MESSAGE, { label: Label.REPEATED, typeName: '.streamstore.bench.Line' }),
        field('total', 4, T.DOUBLE),
        field('currency', 5, T.STRING),
        field('placed_at', 6, T.STRING, { jsonName: 'placedAt' }),
        field('note', 7, T.STRING),
      ],
    },
  ],
});

const registry = createFileRegistry(file, () => undefined);

/** The OrderPlaced message descriptor. */
export const OrderPlacedSchema = registry.getMessage('streamstore.bench.OrderPlaced');

/** A typical ~300-byte domain event (as JSON). */
export function sampleOrderPlaced(n = 1) {
  return {
    orderId: `order-${String(n).padStart(8, '0')}`,
    customerId: 'customer-4f9d2c1e-7a3b-4d8e-9f10-2b3c4d5e6f70',
    lines: [
      { sku: 'SKU-100234', quantity: 2, price: 19.99 },
      { sku: 'SKU-200871', quantity: 1, price: 149.5 },
      { sku: 'SKU-300019', quantity: 3, price: 4.25 },
    ],
    total: 202.23,
    currency: 'EUR',
    placedAt: '2026-11-26T15:00:00.000Z',
    note: 'Leave at the desk.',
  };
}
