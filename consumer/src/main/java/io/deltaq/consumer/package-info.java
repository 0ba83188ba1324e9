/**
 * The deltaq consumer: reads a topic (a Delta table) in order as it is committed.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * try (Consumer consumer = Consumer.open("s3://bucket/topics/orders",
 *         Map.of("consumer.name", "billing", "start", "earliest"))) {
 *     while (running) {
 *         consumer.poll(message -> handle(message.buffer(), message.valueOffset(), message.valueLength()), 256);
 *         // or: for (ConsumerRecord r : consumer.poll(Duration.ofMillis(100))) { ... }
 *         consumer.commitSync();
 *     }
 * }
 * }</pre>
 * Agrona 2.x needs {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} on the JVM's
 * command line.
 *
 * <h2>What is delivered</h2>
 * The rows of {@code add} actions with {@code dataChange true} in commits that have no {@code remove}
 * with {@code dataChange true}: the data the table gained, each row once, in commit order (files in
 * the order the commit lists them, rows in file order). A compaction ({@code dataChange false}
 * everywhere) delivers nothing. A commit that deletes or rewrites rows (DELETE, UPDATE, MERGE,
 * retention) is never redelivered: {@code rewrite.policy=fail} (default) stops with a
 * {@link io.deltaq.consumer.RewriteCommitException} naming the version once everything before it was
 * delivered; {@code rewrite.policy=skip} delivers nothing of it.
 *
 * <h2>Positions</h2>
 * A message's position is {@code (version, index)}: the commit that added it and its row among the
 * rows that commit added; {@link io.deltaq.deltalog.Position#toOffset()} packs it into a Kafka-like
 * offset. {@code position()} is the next position to deliver.
 *
 * <p>With {@code consumer.name} set, {@code commitSync} stores positions under the table root as an
 * append-only sequence of small JSON objects,
 * {@code _deltaq/consumers/<name>/<generation, zero-padded to 20 digits>.json}, e.g.
 * {@code {"consumer":"billing","generation":7,"version":1042,"index":17,"offset":...,"tableId":"...",
 * "instance":"<uuid>","committedAt":"2024-05-01T12:00:00Z"}}. {@code _deltaq/} lies outside
 * {@code _delta_log/}, so Spark, Delta Kernel and delta-rs ignore it (and VACUUM only touches data
 * files it knows). Each commit creates the next generation with put-if-absent; an instance that
 * loses that race, or finds a newer generation right after writing, was overtaken by another
 * live instance of the same name and fails with {@link io.deltaq.consumer.ConsumerFencedException}
 * from then on. A starting consumer lists the directory (paginated, {@code startAfter}), takes the
 * newest generation and resumes from it, overriding {@code start}; only the newest few generations
 * are kept. A position stored for another table id (the table was dropped and created again) is
 * refused with an error rather than applied.
 *
 * <h2>Configuration</h2>
 * See {@link io.deltaq.consumer.ConsumerConfig} (or {@code ConsumerConfig.toMarkdown()}).
 */
package io.deltaq.consumer;
