package io.polku.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak heap use of this JVM (driver and, in local mode, executors): a daemon thread samples {@link
 * MemoryMXBean#getHeapMemoryUsage()} every {@link #PERIOD_MS} ms and keeps the maximum since the
 * last {@link #reset()}. A sample can miss a short spike between two samples; it never
 * over-reports. Costs one tiny allocation-free call per period.
 */
public final class HeapSampler implements AutoCloseable {
  public static final long PERIOD_MS = 100;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final AtomicLong peak = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  public HeapSampler() {
    thread = new Thread(this::loop, "polku-bench-heap-sampler");
    thread.setDaemon(true);
    sample();
    thread.start();
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    long used = memory.getHeapMemoryUsage().getUsed();
    peak.accumulateAndGet(used, Math::max);
  }

  /** The largest heap use sampled since the last reset, in bytes. */
  public long peakBytes() {
    sample();
    return peak.get();
  }

  /** Starts a new peak from the current use. */
  public void reset() {
    peak.set(memory.getHeapMemoryUsage().getUsed());
  }

  /** The heap's limit (-Xmx), in bytes. */
  public long maxBytes() {
    return memory.getHeapMemoryUsage().getMax();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
