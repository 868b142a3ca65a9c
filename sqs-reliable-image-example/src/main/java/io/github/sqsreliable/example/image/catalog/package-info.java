/**
 * Where the catalog stage records each resized image: the {@link io.github.sqsreliable.example.image.catalog.Catalog}
 * interface, an append-only local file, a DynamoDB table and a PostgreSQL table (whose writes can join the catalog
 * stage's transaction). A catalog is deliberately not idempotent, counting every write, so the demo can show that the
 * consumer's idempotency store keeps a redelivered message from being recorded twice.
 */
package io.github.sqsreliable.example.image.catalog;
